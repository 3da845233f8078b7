package io.pushgate.api.webhook;

import io.pushgate.callback.CallbackEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * Delivers one app's queued callback events, one POST at a time, in the order they were raised.
 *
 * <p>Every {@code max-batch-delay} it takes up to {@code max-batch-events} from the queue and POSTs
 * them; after a 2xx it sends the next batch at once if events are waiting. A failed POST (non-2xx,
 * timeout, refused) is retried with the same events (so the same ids) after an exponential backoff
 * with jitter; after {@code max-attempts} the batch is given up on and counted {@code failed}.
 * Every POST runs through the endpoint's circuit breaker: while it is open no request is made and
 * the batch waits, without spending attempts, until the breaker lets one trial through. Events keep
 * queuing meanwhile (bounded, oldest dropped), so a slow or dead receiver costs at most the queue.
 * On {@link Drain} (node shutdown) it sends what is queued at once and answers when nothing is
 * left.
 */
final class WebhookSender extends AbstractBehavior<WebhookSender.Command> {

  sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum Retry implements Command {
    INSTANCE
  }

  private record Delivered() implements Command {}

  private record Failed(Throwable cause) implements Command {}

  /** Node shutdown: send what is queued without waiting for ticks; answer once nothing is left. */
  record Drain(ActorRef<Done> replyTo) implements Command {}

  private static final String RETRY_TIMER = "retry";

  private final TimerScheduler<Command> timers;
  private final AppWebhook hook;
  private final BackendClient client;
  private final WebhookSettings settings;
  private List<CallbackEvent> batch;

  /** The batch's JSON, encoded once; every attempt signs it anew (fresh timestamp). */
  private byte[] batchBody;

  private int attempts;
  private long droppedLogged;
  private final List<ActorRef<Done>> drainedWaiters = new ArrayList<>(0);

  static Behavior<Command> create(AppWebhook hook, BackendClient client, WebhookSettings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.maxBatchDelay());
                  return new WebhookSender(ctx, timers, hook, client, settings);
                }));
  }

  private WebhookSender(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      AppWebhook hook,
      BackendClient client,
      WebhookSettings settings) {
    super(ctx);
    this.timers = timers;
    this.hook = hook;
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(
            Retry.class,
            r -> {
              post();
              return this;
            })
        .onMessage(Delivered.class, d -> onDelivered())
        .onMessage(Failed.class, this::onFailed)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  private Behavior<Command> onDrain(Drain drain) {
    drainedWaiters.add(drain.replyTo());
    if (batch == null) nextBatch();
    answerIfDrained();
    return this;
  }

  private void answerIfDrained() {
    if (drainedWaiters.isEmpty() || batch != null || hook.queue.size() > 0) return;
    drainedWaiters.forEach(w -> w.tell(Done.getInstance()));
    drainedWaiters.clear();
  }

  private Behavior<Command> onTick() {
    logDrops();
    if (batch == null) nextBatch();
    return this;
  }

  private void nextBatch() {
    List<CallbackEvent> next = hook.queue.take(settings.maxBatchEvents());
    if (next.isEmpty()) {
      answerIfDrained();
      return;
    }
    batch = next;
    batchBody = WebhookBody.encode(next);
    attempts = 0;
    post();
  }

  private void post() {
    attempts++;
    byte[] body = batchBody;
    String signature =
        WebhookSignature.header(hook.endpoint.secret(), Instant.now().getEpochSecond(), body);
    getContext()
        .pipeToSelf(
            hook.breaker.callWithCircuitBreakerCS(
                () ->
                    client
                        .post(hook.endpoint.url(), body, signature, 0)
                        .thenApply(WebhookSender::successOrFailure)),
            (status, error) -> error == null ? new Delivered() : new Failed(error));
  }

  /** A POST was made (its answer, or its failure, came back). */
  private void countRequest() {
    hook.requests.incrementAndGet();
    if (attempts > 1) hook.retried.incrementAndGet();
  }

  private Behavior<Command> onDelivered() {
    countRequest();
    hook.sent.addAndGet(batch.size());
    batch = null;
    batchBody = null;
    nextBatch();
    return this;
  }

  private Behavior<Command> onFailed(Failed failed) {
    Throwable cause =
        failed.cause() instanceof CompletionException c && c.getCause() != null
            ? c.getCause()
            : failed.cause();
    if (cause instanceof CircuitBreakerOpenException open) {
      // no request was made: wait for the breaker's trial without spending an attempt
      attempts--;
      Duration wait = Duration.ofMillis(Math.max(open.remainingDuration().toMillis(), 10));
      timers.startSingleTimer(RETRY_TIMER, Retry.INSTANCE, wait);
      return this;
    }
    countRequest();
    String error = describe(cause);
    hook.lastError.set(error);
    if (attempts >= settings.maxAttempts()) {
      hook.failed.addAndGet(batch.size());
      getContext()
          .getLog()
          .warn(
              "callbacks of app {}: gave up on {} events after {} attempts to {} (last: {})",
              hook.endpoint.app(),
              batch.size(),
              attempts,
              hook.endpoint.url(),
              error);
      batch = null;
      batchBody = null;
      nextBatch();
      return this;
    }
    Duration delay = settings.backoff(attempts, ThreadLocalRandom.current().nextDouble());
    getContext()
        .getLog()
        .debug(
            "callbacks of app {}: POST failed ({}), retry {} in {} ms",
            hook.endpoint.app(),
            error,
            attempts,
            delay.toMillis());
    timers.startSingleTimer(RETRY_TIMER, Retry.INSTANCE, delay);
    return this;
  }

  /** A non-2xx answer is a failure (retried, counted by the breaker). */
  private static BackendClient.Response successOrFailure(BackendClient.Response response) {
    if (!response.isSuccess()) throw new HttpFailure(response.status());
    return response;
  }

  /** The receiver answered, but not with 2xx. */
  static final class HttpFailure extends RuntimeException {
    final int status;

    HttpFailure(int status) {
      super("the receiver answered " + status, null, false, false);
      this.status = status;
    }
  }

  /** At most one warning per tick with the events dropped since the last one. */
  private void logDrops() {
    long dropped = hook.queue.dropped();
    if (dropped == droppedLogged) return;
    getContext()
        .getLog()
        .warn(
            "callbacks of app {}: queue full ({} events), dropped the {} oldest events (total {})",
            hook.endpoint.app(),
            settings.queueSize(),
            dropped - droppedLogged,
            dropped);
    droppedLogged = dropped;
  }

  private static String describe(Throwable cause) {
    if (cause instanceof HttpFailure f) return "HTTP " + f.status;
    if (cause instanceof TimeoutException) return "no answer within the request timeout";
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
