package io.pushgate.paced;

import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.paced.PacedCommand.Admitted;
import io.pushgate.paced.PacedCommand.BatchDone;
import io.pushgate.paced.PacedCommand.Submit;
import io.pushgate.paced.PacedCommand.SubmitResult;
import io.pushgate.paced.PacedCommand.Tick;
import io.pushgate.paced.PacedEvent.SendProgressed;
import io.pushgate.paced.PacedEvent.SendQueued;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The paced send queue of one app: multicasts that the app's send rate could not admit at once,
 * accepted here (persisted before the API answers 202) and drained at the app's rate.
 *
 * <p>Contracts: at most {@code maxQueuedRecipients} recipients wait per app; past it a submit is
 * refused (the API answers 429 {@code send_queue_full}). The drain takes, every {@link #TICK}, a
 * batch of at most send-rate / 10 recipients of the oldest send, only with tokens from the app's
 * shared {@link RateGate}, enqueues the message in each recipient's session, and persists its
 * progress once the whole batch answered; a batch that did not fully answer is sent again (sessions
 * take a retried message once: {@code Enqueue.idempotent}). A send whose message expired is
 * dropped. Queued sends survive node loss: the queue recovers and resumes.
 */
public final class PacedSendQueue
    extends EventSourcedBehavior<PacedCommand, PacedEvent, PacedQueueState> {

  static final Duration TICK = Duration.ofMillis(100);
  private static final String TICK_TIMER = "drain";

  private final String app;
  private final ActorContext<PacedCommand> ctx;
  private final TimerScheduler<PacedCommand> timers;
  private final long maxQueuedRecipients;
  private final ToIntFunction<String> ratePerSecond;
  private final RateGate gate;
  private final Function<SessionId, EntityRef<SessionCommand>> sessions;
  private final Duration askTimeout;
  private final Clock clock;

  /** A batch is being admitted or enqueued: no other starts until it ends. */
  private boolean batchInFlight;

  private PacedSendQueue(
      String app,
      ActorContext<PacedCommand> ctx,
      TimerScheduler<PacedCommand> timers,
      long maxQueuedRecipients,
      ToIntFunction<String> ratePerSecond,
      RateGate gate,
      Function<SessionId, EntityRef<SessionCommand>> sessions,
      Duration askTimeout,
      Clock clock) {
    super(PersistenceId.of(PacedSends.TYPE_KEY.name(), app));
    this.app = app;
    this.ctx = ctx;
    this.timers = timers;
    this.maxQueuedRecipients = maxQueuedRecipients;
    this.ratePerSecond = ratePerSecond;
    this.gate = gate;
    this.sessions = sessions;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  static Behavior<PacedCommand> create(
      String app,
      long maxQueuedRecipients,
      ToIntFunction<String> ratePerSecond,
      RateGate gate,
      Function<SessionId, EntityRef<SessionCommand>> sessions,
      Duration askTimeout,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                t ->
                    new PacedSendQueue(
                        app,
                        ctx,
                        t,
                        maxQueuedRecipients,
                        ratePerSecond,
                        gate,
                        sessions,
                        askTimeout,
                        clock)));
  }

  @Override
  public PacedQueueState emptyState() {
    return new PacedQueueState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<PacedQueueState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::keepDraining)
        .build();
  }

  @Override
  public CommandHandler<PacedCommand, PacedEvent, PacedQueueState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Submit.class, this::onSubmit)
        .onCommand(
            PacedCommand.Resume.class,
            (state, cmd) -> {
              keepDraining(state);
              return Effect().none();
            })
        .onCommand(Tick.class, (state, cmd) -> onTick(state))
        .onCommand(Admitted.class, this::onAdmitted)
        .onCommand(BatchDone.class, this::onBatchDone)
        .onCommand(PacedCommand.Passivate.class, (state, cmd) -> Effect().stop())
        .build();
  }

  @Override
  public EventHandler<PacedQueueState, PacedEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(PacedQueueState::apply);
  }

  private Effect<PacedEvent, PacedQueueState> onSubmit(PacedQueueState state, Submit cmd) {
    long queued = state.queuedRecipients();
    if (queued + cmd.recipients().size() > maxQueuedRecipients) {
      return Effect().reply(cmd.replyTo(), new SubmitResult(false, queued));
    }
    return Effect()
        .persist(new SendQueued(new PacedSend(cmd.message(), cmd.recipients(), cmd.overflow(), 0)))
        .thenRun(this::keepDraining)
        .thenReply(cmd.replyTo(), s -> new SubmitResult(true, queued));
  }

  private void keepDraining(PacedQueueState state) {
    if (!state.isEmpty() && !timers.isTimerActive(TICK_TIMER))
      timers.startTimerWithFixedDelay(TICK_TIMER, Tick.INSTANCE, TICK);
    if (state.isEmpty()) timers.cancel(TICK_TIMER);
  }

  private Effect<PacedEvent, PacedQueueState> onTick(PacedQueueState state) {
    PacedSend head = state.head();
    if (head == null) {
      timers.cancel(TICK_TIMER);
      return Effect().none();
    }
    if (batchInFlight) return Effect().none();
    if (head.message().isExpired(clock.millis())) {
      return Effect()
          .persist(new SendProgressed(head.message().id(), head.recipients().size()))
          .thenRun(this::keepDraining);
    }
    int batch =
        (int)
            Math.min(
                head.remaining(),
                Math.max(1, ratePerSecond.applyAsInt(app) * TICK.toMillis() / 1000));
    int from = head.next();
    batchInFlight = true;
    ctx.pipeToSelf(
        gate.tryAcquire(app, batch),
        (allowed, error) ->
            new Admitted(
                head.message().id(),
                from,
                from + batch,
                error == null && Boolean.TRUE.equals(allowed)));
    return Effect().none();
  }

  private Effect<PacedEvent, PacedQueueState> onAdmitted(PacedQueueState state, Admitted m) {
    PacedSend head = state.head();
    if (!m.allowed() || head == null || !head.message().id().equals(m.messageId())) {
      batchInFlight = false; // no tokens now: the next tick tries again
      return Effect().none();
    }
    List<String> users = head.recipients().subList(m.from(), m.to());
    CompletableFuture<?>[] replies = new CompletableFuture<?>[users.size()];
    for (int i = 0; i < users.size(); i++) {
      replies[i] = enqueue(head, users.get(i)).toCompletableFuture();
    }
    ctx.pipeToSelf(
        CompletableFuture.allOf(replies),
        (ok, error) -> new BatchDone(m.messageId(), m.to(), error == null));
    return Effect().none();
  }

  private CompletionStage<EnqueueResult> enqueue(PacedSend send, String user) {
    PushMessage message = send.message();
    return sessions
        .apply(new SessionId(app, user))
        .ask(
            replyTo -> new SessionCommand.Enqueue(message, send.overflow(), true, replyTo),
            askTimeout);
  }

  private Effect<PacedEvent, PacedQueueState> onBatchDone(PacedQueueState state, BatchDone m) {
    batchInFlight = false;
    if (!m.complete()) return Effect().none(); // sent again on the next tick; sessions take it once
    return Effect().persist(new SendProgressed(m.messageId(), m.to())).thenRun(this::keepDraining);
  }
}
