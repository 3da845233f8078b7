package io.pushgate.api.push;

import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.NotificationRequest;
import io.pushgate.notify.Platform;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One app's device notifications on this node: a bounded queue ({@code queue-size}; full: the
 * notification is {@code DROPPED} with {@code queue_full}, never waited for) drained by at most
 * {@code max-in-flight} sends at once, each through its provider's circuit breaker (open: {@code
 * DROPPED circuit_open}) and retried with exponential backoff and the provider's {@code
 * Retry-After} (capped at {@code backoff-max}) up to {@code max-attempts}. A notification whose
 * message expired meanwhile is dropped ({@code expired}). Thread-safe.
 */
final class AppPushQueue {

  /** One provider of the app: how to send, and its breaker. */
  record Provider(ProviderSender sender, CircuitBreaker breaker) {}

  private record Job(
      NotificationRequest request, Device device, CompletableFuture<DeviceOutcome> result) {}

  private final String app;
  private final Map<Platform, Provider> providers;
  private final PushSettings settings;
  private final PushMeters meters;
  private final Clock clock;
  private final ActorSystem<?> system;
  private final BoundedSourceQueue<Job> queue;

  AppPushQueue(
      String app,
      Map<Platform, Provider> providers,
      PushSettings settings,
      PushMeters meters,
      Clock clock,
      ActorSystem<?> system) {
    this.app = app;
    this.providers = Map.copyOf(providers);
    this.settings = settings;
    this.meters = meters;
    this.clock = clock;
    this.system = system;
    this.queue =
        Source.<Job>queue(settings.queueSize())
            .mapAsyncUnordered(
                settings.maxInFlight(), job -> deliver(job, 1).thenApply(job.result()::complete))
            .to(Sink.ignore())
            .run(system);
    meters.queue(app, queue::size);
    this.providers.forEach(
        (platform, p) ->
            meters.circuit(app, platform.wireName(), () -> p.breaker().isClosed() ? 0 : 1));
  }

  /** Queues one device's notification; completes with its outcome (never fails). */
  CompletionStage<DeviceOutcome> offer(NotificationRequest request, Device device) {
    CompletableFuture<DeviceOutcome> result = new CompletableFuture<>();
    QueueOfferResult offered = queue.offer(new Job(request, device, result));
    if (offered != QueueOfferResult.enqueued())
      return CompletableFuture.completedFuture(
          outcome(device, DeviceOutcome.Result.DROPPED, "queue_full"));
    return result;
  }

  private CompletionStage<DeviceOutcome> deliver(Job job, int attempt) {
    Device device = job.device();
    if (clock.millis() >= job.request().expiresAtMillis()) {
      return done(outcome(device, DeviceOutcome.Result.DROPPED, "expired"));
    }
    Provider provider = providers.get(device.platform());
    if (provider == null)
      return done(outcome(device, DeviceOutcome.Result.DROPPED, "provider_not_configured"));
    CompletionStage<ProviderAnswer> answer;
    try {
      answer =
          provider
              .breaker()
              .callWithCircuitBreakerCS(
                  () -> provider.sender().send(job.request(), device),
                  (ok, error) ->
                      error.isPresent()
                          || ok.map(a -> a.kind() == ProviderAnswer.Kind.RETRY).orElse(false));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .handle((a, error) -> a != null ? a : noAnswer(error))
        .thenCompose(a -> act(job, attempt, a));
  }

  private CompletionStage<DeviceOutcome> act(Job job, int attempt, ProviderAnswer answer) {
    Device device = job.device();
    switch (answer.kind()) {
      case SENT:
        return done(outcome(device, DeviceOutcome.Result.SENT, null));
      case INVALID_TOKEN:
        return done(outcome(device, DeviceOutcome.Result.UNREGISTERED, answer.reason()));
      case FAILED:
        return done(
            outcome(
                device,
                "circuit_open".equals(answer.reason())
                    ? DeviceOutcome.Result.DROPPED
                    : DeviceOutcome.Result.FAILED,
                answer.reason()));
      default:
        if (attempt >= settings.maxAttempts())
          return done(outcome(device, DeviceOutcome.Result.FAILED, answer.reason()));
        meters.retried(app, device.platform().wireName());
        Duration wait = backoff(attempt, answer.retryAfter());
        return Patterns.after(
            wait,
            system.classicSystem().scheduler(),
            system.executionContext(),
            () -> deliver(job, attempt + 1));
    }
  }

  /**
   * {@code backoff-min} doubled per try, or the provider's Retry-After; at most {@code
   * backoff-max}.
   */
  private Duration backoff(int attempt, Duration retryAfter) {
    Duration wait =
        retryAfter != null
            ? retryAfter
            : settings.backoffMin().multipliedBy(1L << Math.min(20, attempt - 1));
    return wait.compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : wait;
  }

  private static ProviderAnswer noAnswer(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof CircuitBreakerOpenException) return ProviderAnswer.failed("circuit_open");
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return ProviderAnswer.retry("timeout", null);
    }
    if (cause instanceof IOException) return ProviderAnswer.retry("connection", null);
    return ProviderAnswer.retry("error", null);
  }

  private DeviceOutcome outcome(Device device, DeviceOutcome.Result result, String reason) {
    meters.outcome(
        app, device.platform().wireName(), result.name().toLowerCase(Locale.ROOT), reason);
    return new DeviceOutcome(device.id(), device.platform(), result, reason, clock.millis());
  }

  private static CompletionStage<DeviceOutcome> done(DeviceOutcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
