package io.pushgate.session;

import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.notify.PushNotifier;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Disconnect;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionCommand.Ack;
import io.pushgate.session.SessionCommand.Attach;
import io.pushgate.session.SessionCommand.ConnectionTerminated;
import io.pushgate.session.SessionCommand.Detach;
import io.pushgate.session.SessionCommand.Enqueue;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionCommand.ExpiryCheck;
import io.pushgate.session.SessionCommand.GetMessageStatus;
import io.pushgate.session.SessionCommand.GetStatus;
import io.pushgate.session.SessionCommand.IdleCheck;
import io.pushgate.session.SessionCommand.Kick;
import io.pushgate.session.SessionCommand.KickResult;
import io.pushgate.session.SessionCommand.Passivate;
import io.pushgate.session.SessionEvent.BroadcastsAcked;
import io.pushgate.session.SessionEvent.DeliveryRoundEnded;
import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesAcked;
import io.pushgate.session.SessionEvent.MessagesExpired;
import io.pushgate.session.SessionEvent.SessionStarted;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One (app, user) session: the durable owner of its pending QoS 1 messages, sequence numbers and
 * acks, and the single point through which its connection receives pushes.
 *
 * <p>Contracts:
 *
 * <ul>
 *   <li>QoS 1: persisted ({@link MessageQueued}) before {@code QUEUED} is replied; delivered in
 *       {@code seq} order; redelivered in order on every attach until acked (at-least-once).
 *   <li>At most {@code window} unacked pushes are in flight on the attached connection; the rest
 *       wait here. At most {@link SessionSettings#maxPending()} messages are stored; past it {@code
 *       QUEUE_FULL}.
 *   <li>Acks are cumulative. An ack releases delivery credit at once; its {@link MessagesAcked} is
 *       written lazily ({@link UnpersistedAck}): in front of the session's next event, when {@code
 *       ack-flush-count} acked messages are unwritten, after {@code ack-flush-delay}, and before
 *       the session stops, detaches or reports its status. A crash loses at most the unwritten
 *       acks: those messages are redelivered, never lost.
 *   <li>App-wide QoS 1 broadcasts: the session keeps one cumulative cursor into its app's broadcast
 *       log ({@link SessionState#broadcastCursor()}) and delivers, in bseq order and at most {@code
 *       window} unacked, every live broadcast after it that was sent at or after the session's
 *       creation ({@link SessionState#createdAtMillis()}). Broadcast acks are written lazily like
 *       message acks ({@link BroadcastsAcked}: with the next event, at {@code ack-flush-count}
 *       unwritten broadcasts, after {@code broadcast-ack-flush-delay}, before a stop, detach or
 *       status answer), so one row covers every broadcast acked in that time; a crash redelivers
 *       the unwritten ones. Entries come from the node's replica ({@link SessionBroadcasts}), which
 *       tells attached sessions when there are new ones. A connection that delivers broadcasts
 *       itself ({@link Attach#deliversBroadcasts}, the gateway's default) gets the cursor and
 *       creation time in {@link Attached} and does all of this on its own node instead; the session
 *       then only takes its (coalesced) acks and writes the cursor as above.
 *   <li>QoS 0: never persisted; handed to the attached connection or dropped.
 *   <li>Expired messages are removed ({@link MessagesExpired}) when found on attach or delivery and
 *       are never delivered.
 *   <li>One connection at a time: a new attach replaces the old connection ({@code REPLACED}).
 *   <li>Without a connection the entity passivates itself after {@link
 *       SessionSettings#idlePassivation()} of inactivity; its state is in the journal.
 *   <li>With its connection open, nothing pending and no message or ack for {@link
 *       SessionSettings#connectedIdlePassivation()}, the entity parks: it writes {@link
 *       SessionEvent.ConnectionParked}, tells the connection {@link ConnectionMessage.Parked} and
 *       passivates. The next command (a message, an ack, a detach, a status request) recovers it,
 *       and it takes the same connection up again ({@link SessionState#parked()}) without the
 *       client noticing; a connection that went away meanwhile is found by death watch and detached
 *       as usual ({@link SessionEvent.ParkEnded}).
 * </ul>
 *
 * Connection attachment is runtime state, not persisted: after a stop (journal failure, rebalance,
 * node crash) the connection's death watch fires and it re-attaches through sharding. A failed
 * write stops the entity before it replies, so the API never answers 202 for it.
 */
public final class SessionEntity
    extends EventSourcedBehavior<SessionCommand, SessionEvent, SessionState> {

  private static final String IDLE_TIMER = "idle";
  private static final String EXPIRY_TIMER = "expiry";
  private static final String ACK_TIMER = "ack-flush";
  private static final String BROADCAST_ACK_TIMER = "broadcast-ack-flush";
  private static final String OFFLINE_TIMER = "offline";
  private static final String PARK_TIMER = "park";

  private final ActorContext<SessionCommand> ctx;
  private final TimerScheduler<SessionCommand> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final SessionSettings settings;
  private final Clock clock;
  private final SessionBroadcasts broadcasts;
  private final String entityId;
  private final String app;
  private final String user;
  private final SessionCallbacks callbacks;
  private final PushNotifier notifier;
  private final SessionMetrics metrics;

  private final LocalConnections localConnections;

  // runtime attachment state (not persisted)
  private ActorRef<ConnectionMessage> connection;

  /**
   * The attached connection's route through its node's router ({@link Attach#routeId}), or null:
   * {@link #connection} is its own actor.
   */
  private String connectionRoute;

  /**
   * The attached connection's sink when it is on this node (no mailbox in between), else null: tell
   * {@link #connection}.
   */
  private LocalConnections.Sink connectionSink;

  private ConnectionInfo connectionInfo;
  private int window;

  /** Highest seq pushed to the attached connection since it attached. */
  private long deliveredUpTo;

  /** Highest bseq pushed to the attached connection since it attached. */
  private long broadcastDeliveredUpTo;

  /**
   * The attached connection delivers broadcasts itself ({@link Attach#deliversBroadcasts}): this
   * session neither pushes them nor bounds their acks.
   */
  private boolean connectionDeliversBroadcasts;

  /** Registered with the node's broadcast hub (attached, and delivering broadcasts itself). */
  private boolean hearsBroadcasts;

  /** bseqs pushed to the attached connection and not acked yet (at most window). */
  private final ArrayDeque<Long> broadcastsInFlight =
      new ArrayDeque<>(0); // grows on use; most sessions see few broadcasts

  /** The latest ack, until it is written. */
  private final UnpersistedAck ack = new UnpersistedAck();

  /**
   * The latest broadcast ack (a cumulative bseq), until it is written; at most the persisted cursor
   * when none waits.
   */
  private long unwrittenBroadcastAck;

  private long unwrittenBroadcastAckAtMillis;

  /**
   * {@code System.nanoTime()} of the last activity without a connection (idle passivation counts
   * from it).
   */
  private long idleSinceNanos;

  /**
   * {@code System.nanoTime()} of the last message or ack while attached (parking counts from it).
   */
  private long activeAtNanos;

  /**
   * The park was written and the connection told: nothing more is pushed; the next incarnation
   * takes over.
   */
  private boolean parking;

  /** When the expiry timer is due (epoch millis), or Long.MAX_VALUE if not running. */
  private long expiryTimerAt = Long.MAX_VALUE;

  /** Mobile push: devices and the notification of messages to users who are away. */
  private final SessionNotifications notifications;

  private SessionEntity(
      String entityId,
      ActorContext<SessionCommand> ctx,
      TimerScheduler<SessionCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      SessionDeps deps) {
    // No restart-in-place on journal failure: the entity stops, so the attached connection's
    // death watch fires and it re-attaches through sharding (with its attach timeout); an
    // in-place restart would keep the same ref and silently forget the attachment.
    super(PersistenceId.of(SessionSharding.TYPE_KEY.name(), entityId));
    this.ctx = ctx;
    this.timers = timers;
    this.shard = shard;
    this.settings = deps.settings();
    this.clock = deps.clock();
    this.broadcasts = deps.broadcasts();
    this.entityId = entityId;
    Optional<SessionId> id = SessionId.fromEntityId(entityId);
    this.app = id.map(SessionId::app).orElse(entityId);
    this.user = id.map(SessionId::user).orElse(entityId);
    this.callbacks = new SessionCallbacks(deps.callbacks(), app, user);
    this.notifier = deps.notifier();
    this.metrics = new SessionMetrics(PushgateMeters.get(ctx.getSystem()).messages(), app);
    this.localConnections = LocalConnections.get(ctx.getSystem());
    this.notifications =
        new SessionNotifications(
            new SessionNotifications.Deps(
                ctx,
                timers,
                Effect(),
                this::write,
                () -> connection != null,
                deps,
                app,
                user,
                callbacks));
  }

  /**
   * The session entity's one entry point.
   *
   * @param shard the shard that hosts the entity, for self-passivation; may be null in tests (then
   *     the entity stops itself instead)
   */
  public static Behavior<SessionCommand> create(
      String entityId, ActorRef<ClusterSharding.ShardCommand> shard, SessionDeps deps) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new SessionEntity(entityId, ctx, timers, shard, deps)));
  }

  @Override
  public SessionState emptyState() {
    return new SessionState();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<SessionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.parked() != null) resume(state, state.parked());
              scheduleIdleCheck();
              scheduleExpiryCheck(state);
              metrics.pendingIs(state.pendingCount());
              notifications.recovered(state);
            })
        .onSignal(PostStop.instance(), state -> metrics.stopped())
        .build();
  }

  /**
   * One method reference instead of Pekko's handler builder: the builder keeps about 1.5 KB of case
   * objects, lambdas and lists per entity, and an entity lives as long as its connection (measured
   * with {@code ./bench idle}, docs/benchmarks.md).
   */
  @Override
  public CommandHandler<SessionCommand, SessionEvent, SessionState> commandHandler() {
    return this::onCommand;
  }

  private Effect<SessionEvent, SessionState> onCommand(SessionState state, SessionCommand cmd) {
    if (cmd instanceof Ack c) return onAck(state, c);
    if (cmd instanceof Enqueue c) return onEnqueue(state, c);
    if (cmd instanceof Attach c) return onAttach(state, c);
    if (cmd instanceof Detach c) return onConnectionGone(state, c.connectionId());
    if (cmd instanceof ConnectionTerminated c) return onConnectionTerminated(state, c);
    if (cmd instanceof GetStatus c) return onGetStatus(state, c);
    if (cmd instanceof GetMessageStatus c) return onGetMessageStatus(state, c);
    if (cmd instanceof Kick c) return onKick(state, c);
    if (cmd instanceof SessionCommand.ChangeTopic c) return onChangeTopic(state, c);
    if (cmd instanceof ExpiryCheck) return onExpiryCheck(state);
    if (cmd instanceof IdleCheck) return onIdleCheck();
    if (cmd instanceof SessionCommand.ParkCheck) return onParkCheck(state);
    if (cmd instanceof SessionCommand.BroadcastsAvailable) return onBroadcastsAvailable(state);
    if (cmd instanceof SessionCommand.AckFlush) return onAckFlush(state);
    if (cmd instanceof SessionCommand.OfflineCheck) return onOfflineCheck();
    if (cmd instanceof SessionCommand.NotifyCheck c) return notifications.onCheck(state, c);
    if (cmd instanceof SessionCommand.NotificationsDone c) return notifications.onDone(state, c);
    if (cmd instanceof SessionCommand.PutDevice c) return notifications.onPutDevice(state, c);
    if (cmd instanceof SessionCommand.RemoveDevice c) return notifications.onRemoveDevice(state, c);
    if (cmd instanceof SessionCommand.GetDevices c) {
      return Effect()
          .reply(
              c.replyTo(),
              new SessionCommand.DeviceReply(
                  SessionCommand.DeviceReply.Outcome.LISTED, state.devices()));
    }
    if (cmd instanceof Passivate) return onStop(state);
    return Effect().unhandled();
  }

  @Override
  public EventHandler<SessionState, SessionEvent> eventHandler() {
    long retentionMillis = settings.statusRetention().toMillis();
    int maxRecords = settings.maxStatusRecords();
    return (state, event) -> state.apply(event, maxRecords, retentionMillis);
  }

  // ---- commands ----

  private Effect<SessionEvent, SessionState> onEnqueue(SessionState state, Enqueue cmd) {
    PushMessage message = cmd.message();
    if (connection == null) scheduleIdleCheck();
    else activeAtNanos = System.nanoTime();
    if (message.qos() == Qos.AT_MOST_ONCE) {
      if (connection == null) {
        metrics.qos0Offline();
        return Effect().reply(cmd.replyTo(), new EnqueueResult(message.id(), Outcome.OFFLINE, 0));
      }
      metrics.qos0Delivered();
      toConnection(
          new Push(
              message.id(),
              Qos.AT_MOST_ONCE.level(),
              0,
              message.data(),
              message.acceptedAtMillis()));
      return Effect().reply(cmd.replyTo(), new EnqueueResult(message.id(), Outcome.DELIVERED, 0));
    }
    if (cmd.idempotent()) {
      Optional<Long> known =
          state
              .pendingById(message.id())
              .map(PendingMessage::seq)
              .or(() -> state.endedById(message.id()).map(e -> e.seq()));
      if (known.isPresent())
        return Effect()
            .reply(cmd.replyTo(), new EnqueueResult(message.id(), Outcome.QUEUED, known.get()));
    }
    long now = clock.millis();
    List<SessionEvent> events = new ArrayList<>(2);
    List<Long> expired = state.expiredAt(now);
    if (!expired.isEmpty()) events.add(new MessagesExpired(expired, now));

    List<Long> leaving = expired;
    if (ack.pending(state)) { // acked messages leave with the ack written in front of this event
      leaving = new ArrayList<>(expired);
      leaving.addAll(ack.coveredSeqs(state));
    }
    QueuePlan plan =
        QueuePlan.make(
            state,
            message,
            leaving,
            cmd.overflow(),
            settings.maxPending(),
            settings.maxPendingBytes());
    if (!plan.fits()) {
      EnqueueResult full = new EnqueueResult(message.id(), Outcome.QUEUE_FULL, 0);
      if (events.isEmpty()) return Effect().reply(cmd.replyTo(), full);
      return write(state, events).thenRun(this::afterChange).thenReply(cmd.replyTo(), s -> full);
    }
    long seq = state.nextSeq();
    events.add(
        new MessageQueued(
            new PendingMessage(seq, message), plan.replacedSeq(), plan.droppedSeqs()));
    EnqueueResult queued =
        new EnqueueResult(message.id(), Outcome.QUEUED, seq, plan.replacedId(), plan.droppedIds());
    if (message.notification() == null) {
      return write(state, events).thenRun(this::afterChange).thenReply(cmd.replyTo(), s -> queued);
    }
    return write(state, events)
        .thenRun(
            s -> {
              afterChange(s);
              notifications.accepted(s, seq);
            })
        .thenReply(cmd.replyTo(), s -> queued);
  }

  private Effect<SessionEvent, SessionState> onAttach(SessionState state, Attach cmd) {
    List<SessionEvent> events = new ArrayList<>(2);
    if (connection != null
        && !(connection.equals(cmd.connection())
            && Objects.equals(connectionRoute, cmd.routeId()))) {
      ctx.unwatch(connection);
      toConnection(new Disconnect(DisconnectReason.REPLACED));
      endDeliveryRound(state).ifPresent(events::add);
      if (state.parked() != null) events.add(new SessionEvent.ParkEnded(clock.millis()));
    }
    boolean wasAttached = connection != null;
    takeConnection(
        state, cmd.connection(), cmd.routeId(), cmd.info(), cmd.window(), cmd.deliversBroadcasts());
    timers.cancel(IDLE_TIMER);
    startParkTimer();
    long now = clock.millis();
    hearBroadcasts(!connectionDeliversBroadcasts);
    if (!wasAttached) {
      timers.cancel(OFFLINE_TIMER); // a reconnect inside the offline delay: nothing to announce
      callbacks.attached(connectionInfo, now);
    }
    long createdAt = state.createdAtMillis() == 0 ? now : state.createdAtMillis();
    if (state.createdAtMillis() == 0) events.add(new SessionStarted(now));
    List<Long> expired = state.expiredAt(now);
    if (!expired.isEmpty()) events.add(new MessagesExpired(expired, now));
    if (events.isEmpty() && !acksPending(state)) {
      toConnection(attached(state.pendingCount(), state, createdAt));
      pump(state);
      pumpBroadcasts(state);
      return Effect().none();
    }
    if (events.size() == 1 && events.get(0) instanceof SessionStarted && !acksPending(state)) {
      // a user's first connection: nothing to deliver yet, so welcome without waiting for the
      // write (if it fails the entity stops and the connection re-attaches, as on any stop)
      toConnection(attached(0, state, createdAt));
      return write(state, events).thenRun(s -> pumpBroadcasts(s));
    }
    return write(state, events)
        .thenRun(
            s -> {
              // commands wait while events are written: still the connection that attached
              toConnection(attached(s.pendingCount(), s, createdAt));
              afterChange(s);
              pumpBroadcasts(s);
            });
  }

  /**
   * The attachment's runtime state, for an attach or the resume of a parked connection: delivery
   * starts after the ack, under death watch.
   */
  private void takeConnection(
      SessionState state,
      ActorRef<ConnectionMessage> ref,
      String route,
      ConnectionInfo info,
      int connectionWindow,
      boolean deliversBroadcasts) {
    connection = ref;
    connectionRoute = route;
    connectionSink = localConnections.sinkFor(LocalConnections.key(ref, route));
    connectionInfo = info;
    window = Math.max(1, connectionWindow);
    deliveredUpTo = ack.effective(state);
    connectionDeliversBroadcasts = deliversBroadcasts;
    resetBroadcastDelivery(state);
    ctx.watchWith(ref, new ConnectionTerminated(ref));
  }

  private Attached attached(int pending, SessionState state, long createdAt) {
    return new Attached(ctx.getSelf(), pending, state.topics(), broadcastCursor(state), createdAt);
  }

  /**
   * Registers with (or leaves) the node's broadcast hub, which tells sessions that deliver
   * broadcasts of new ones.
   */
  private void hearBroadcasts(boolean hear) {
    if (hear == hearsBroadcasts) return;
    hearsBroadcasts = hear;
    if (hear) broadcasts.attached(app, ctx.getSelf());
    else broadcasts.detached(app, ctx.getSelf());
  }

  private Effect<SessionEvent, SessionState> onAck(SessionState state, Ack cmd) {
    if (connectionInfo == null || !connectionInfo.connectionId().equals(cmd.connectionId())) {
      return Effect().none(); // ack from a connection that is no longer attached: safe to ignore
    }
    activeAtNanos = System.nanoTime();
    long now = clock.millis();
    long ackedBefore = ack.effective(state);
    boolean moved = ack.record(Math.min(cmd.upToSeq(), deliveredUpTo), now, state);
    if (moved) {
      metrics.acked(state, ackedBefore, ack.effective(state));
      callbacks.acked(state, ackedBefore, ack.effective(state), now);
    }
    long fromBseq = broadcastCursor(state);
    // a connection that delivers broadcasts clamped the ack to what it delivered
    long upToBseq =
        connectionDeliversBroadcasts
            ? cmd.upToBseq()
            : Math.min(cmd.upToBseq(), broadcastDeliveredUpTo);
    boolean broadcastAck = upToBseq > fromBseq;
    if (!moved && !broadcastAck) return Effect().none();
    if (broadcastAck) {
      unwrittenBroadcastAck = upToBseq;
      unwrittenBroadcastAckAtMillis = now;
      while (!broadcastsInFlight.isEmpty() && broadcastsInFlight.peekFirst() <= upToBseq)
        broadcastsInFlight.pollFirst();
    }
    long unwrittenBroadcasts =
        broadcastAckPending(state) ? unwrittenBroadcastAck - state.broadcastCursor() : 0;
    if (ack.unwritten(state) < settings.ackFlushCount()
        && unwrittenBroadcasts < settings.ackFlushCount()) {
      // lazy: credit now, the write later (with the next event, the count, or the timer)
      if (moved && !timers.isTimerActive(ACK_TIMER)) {
        timers.startSingleTimer(
            ACK_TIMER, SessionCommand.AckFlush.INSTANCE, settings.ackFlushDelay());
      }
      if (broadcastAck && !timers.isTimerActive(BROADCAST_ACK_TIMER)) {
        timers.startSingleTimer(
            BROADCAST_ACK_TIMER,
            SessionCommand.AckFlush.INSTANCE,
            settings.broadcastAckFlushDelay());
      }
      pump(state);
      if (broadcastAck) pumpBroadcasts(state);
      return Effect().none();
    }
    return write(state, List.of())
        .thenRun(
            s -> {
              pump(s);
              pumpBroadcasts(s);
            });
  }

  /** The broadcast cursor the session acts on: the persisted one or a later unwritten ack. */
  private long broadcastCursor(SessionState state) {
    return Math.max(state.broadcastCursor(), unwrittenBroadcastAck);
  }

  private boolean broadcastAckPending(SessionState state) {
    return unwrittenBroadcastAck > state.broadcastCursor();
  }

  /** Either ack (messages, broadcasts) waits to be written. */
  private boolean acksPending(SessionState state) {
    return ack.pending(state) || broadcastAckPending(state);
  }

  private Effect<SessionEvent, SessionState> onChangeTopic(
      SessionState state, SessionCommand.ChangeTopic cmd) {
    SessionCommand.TopicResult.Outcome done =
        cmd.subscribe()
            ? SessionCommand.TopicResult.Outcome.SUBSCRIBED
            : SessionCommand.TopicResult.Outcome.UNSUBSCRIBED;
    if (state.isSubscribed(cmd.topic()) == cmd.subscribe()) {
      return Effect().reply(cmd.replyTo(), new SessionCommand.TopicResult(done, state.topics()));
    }
    if (cmd.subscribe() && state.topics().size() >= settings.maxTopics()) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new SessionCommand.TopicResult(
                  SessionCommand.TopicResult.Outcome.TOO_MANY_TOPICS, state.topics()));
    }
    long now = clock.millis();
    SessionEvent event =
        cmd.subscribe()
            ? new SessionEvent.TopicSubscribed(cmd.topic(), now)
            : new SessionEvent.TopicUnsubscribed(cmd.topic(), now);
    return write(state, List.of(event))
        .thenRun(
            s -> {
              if (connection != null) toConnection(new ConnectionMessage.TopicsChanged(s.topics()));
            })
        .thenReply(cmd.replyTo(), s -> new SessionCommand.TopicResult(done, s.topics()));
  }

  private Effect<SessionEvent, SessionState> onBroadcastsAvailable(SessionState state) {
    pumpBroadcasts(state);
    return Effect().none();
  }

  /**
   * Passivation or hand-off: writes the unwritten ack first, so a clean stop redelivers nothing.
   */
  private Effect<SessionEvent, SessionState> onStop(SessionState state) {
    hearBroadcasts(false);
    if (connection == null)
      callbacks.offline(clock.millis()); // passivated before the offline delay ran out
    if (acksPending(state)) return write(state, List.of()).thenStop();
    return Effect().stop();
  }

  private Effect<SessionEvent, SessionState> onOfflineCheck() {
    if (connection == null) callbacks.offline(clock.millis());
    return Effect().none();
  }

  private Effect<SessionEvent, SessionState> onAckFlush(SessionState state) {
    if (!acksPending(state)) return Effect().none();
    return write(state, List.of()).thenRun(this::pump);
  }

  /**
   * Persists {@code events} with the unwritten ack, if any, in front (one write for both; see
   * {@link UnpersistedAck}), and raises the message fates they decide once they are written.
   */
  private EffectBuilder<SessionEvent, SessionState> write(
      SessionState state, List<SessionEvent> events) {
    if (ack.pending(state)) timers.cancel(ACK_TIMER);
    List<SessionEvent> all = ack.prependTo(state, events);
    long broadcastsFrom = state.broadcastCursor();
    long broadcastsTo =
        0; // a broadcast ack written with these events: reported to the logs once written
    if (broadcastAckPending(state)) {
      timers.cancel(BROADCAST_ACK_TIMER);
      broadcastsTo = unwrittenBroadcastAck;
      List<SessionEvent> withCursor = new ArrayList<>(all.size() + 1);
      withCursor.add(new BroadcastsAcked(broadcastsTo, unwrittenBroadcastAckAtMillis));
      withCursor.addAll(all);
      all = withCursor;
    }
    List<SessionEvent> written = all;
    long reportTo = broadcastsTo;
    Consumer<SessionState> fates = callbacks.fatesOf(state, written);
    metrics.writeStarted();
    if (fates == null && reportTo == 0)
      return Effect().persist(written).thenRun(s -> metrics.written(written, s));
    return Effect()
        .persist(written)
        .thenRun(
            s -> {
              metrics.written(written, s);
              if (fates != null) fates.accept(s);
              if (reportTo > 0) broadcasts.acked(app, broadcastsFrom, reportTo);
            });
  }

  private Effect<SessionEvent, SessionState> onConnectionGone(
      SessionState state, String connectionId) {
    if (connectionInfo == null || !connectionInfo.connectionId().equals(connectionId)) {
      return Effect().none();
    }
    ctx.unwatch(connection);
    return detach(state);
  }

  private Effect<SessionEvent, SessionState> onConnectionTerminated(
      SessionState state, ConnectionTerminated cmd) {
    if (!cmd.connection().equals(connection)) return Effect().none();
    return detach(state);
  }

  private Effect<SessionEvent, SessionState> detach(SessionState state) {
    List<SessionEvent> events = connectionEnded(state);
    clearConnection();
    if (events.isEmpty() && !acksPending(state)) return Effect().none();
    return write(state, events).thenRun(this::afterChange);
  }

  /**
   * The events that close the attached connection: its delivery round, and the end of its park if
   * it was parked.
   */
  private List<SessionEvent> connectionEnded(SessionState state) {
    Optional<SessionEvent> round = endDeliveryRound(state);
    if (state.parked() == null) return round.map(List::of).orElse(List.of());
    List<SessionEvent> events = new ArrayList<>(2);
    round.ifPresent(events::add);
    events.add(new SessionEvent.ParkEnded(clock.millis()));
    return events;
  }

  private Effect<SessionEvent, SessionState> onGetStatus(SessionState state, GetStatus cmd) {
    return purgeExpiredThen(
        state,
        s -> {
          List<ConnectionInfo> connections =
              connectionInfo == null ? List.of() : List.of(connectionInfo);
          cmd.replyTo()
              .tell(
                  new SessionStatus(
                      connection != null,
                      connections,
                      s.pendingCount(),
                      s.lastSeq(),
                      s.ackedSeq(),
                      s.undeliverableTotal(),
                      s.topics()));
        });
  }

  private Effect<SessionEvent, SessionState> onGetMessageStatus(
      SessionState state, GetMessageStatus cmd) {
    return purgeExpiredThen(state, s -> cmd.replyTo().tell(messageStatus(s, cmd.messageId())));
  }

  private static MessageStatus messageStatus(SessionState state, String id) {
    Optional<PendingMessage> pending = state.pendingById(id);
    if (pending.isPresent()) {
      PendingMessage p = pending.get();
      return new MessageStatus(
          id,
          MessageStatus.Fate.PENDING,
          p.seq(),
          p.deliveries(),
          p.message().acceptedAtMillis(),
          state.notificationOf(id));
    }
    return state
        .endedById(id)
        .map(
            e ->
                new MessageStatus(
                    id, e.fate(), e.seq(), e.deliveries(), e.atMillis(), state.notificationOf(id)))
        .orElseGet(() -> MessageStatus.unknown(id));
  }

  private Effect<SessionEvent, SessionState> onKick(SessionState state, Kick cmd) {
    if (connection == null) return Effect().reply(cmd.replyTo(), new KickResult(0));
    ctx.unwatch(connection);
    toConnection(new Disconnect(DisconnectReason.KICKED));
    List<SessionEvent> events = connectionEnded(state);
    clearConnection();
    KickResult kicked = new KickResult(1);
    if (events.isEmpty() && !acksPending(state)) return Effect().reply(cmd.replyTo(), kicked);
    return write(state, events).thenRun(this::afterChange).thenReply(cmd.replyTo(), s -> kicked);
  }

  private Effect<SessionEvent, SessionState> onExpiryCheck(SessionState state) {
    expiryTimerAt = Long.MAX_VALUE;
    return purgeExpiredThen(state, this::afterChange);
  }

  private Effect<SessionEvent, SessionState> onIdleCheck() {
    if (connection == null
        && notifications.holdsSession()) { // a notify-after timer runs: stay to fire it
      idleSinceNanos = System.nanoTime();
      timers.startSingleTimer(IDLE_TIMER, IdleCheck.INSTANCE, settings.idlePassivation());
      return Effect().none();
    }
    if (connection == null) {
      long rest = settings.idlePassivation().toNanos() - (System.nanoTime() - idleSinceNanos);
      if (rest > 0) { // active since the timer started: wait for the rest of the period
        timers.startSingleTimer(IDLE_TIMER, IdleCheck.INSTANCE, Duration.ofNanos(rest));
        return Effect().none();
      }
      if (shard != null) {
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
      } else {
        return Effect().stop();
      }
    }
    return Effect().none();
  }

  // ---- parking: passivation with the connection open ----

  private void startParkTimer() {
    activeAtNanos = System.nanoTime();
    if (settings.parksConnected() && !timers.isTimerActive(PARK_TIMER)) {
      timers.startSingleTimer(
          PARK_TIMER, SessionCommand.ParkCheck.INSTANCE, settings.connectedIdlePassivation());
    }
  }

  /**
   * Parks the session when it was quiet for {@code connected-idle-passivation}: nothing pending (so
   * nothing in flight either), no notification timer, and broadcasts delivered by the connection (a
   * session that pushes broadcasts itself must stay to hear of them). Writes {@link
   * SessionEvent.ConnectionParked} (with any unwritten ack), tells the connection {@link
   * ConnectionMessage.Parked} and passivates; commands that arrive before the stop are handled, but
   * nothing more is pushed: the next incarnation pushes it ({@link #resume}).
   */
  private Effect<SessionEvent, SessionState> onParkCheck(SessionState state) {
    if (connection == null || parking || !settings.parksConnected()) return Effect().none();
    long rest = settings.connectedIdlePassivation().toNanos() - (System.nanoTime() - activeAtNanos);
    if (rest > 0) { // active since the timer started: wait for the rest of the period
      timers.startSingleTimer(
          PARK_TIMER, SessionCommand.ParkCheck.INSTANCE, Duration.ofNanos(rest));
      return Effect().none();
    }
    boolean quiet =
        state.pendingCount() == 0 && connectionDeliversBroadcasts && !notifications.holdsSession();
    if (!quiet) {
      startParkTimer();
      return Effect().none();
    }
    parking = true;
    ParkedConnection parked =
        new ParkedConnection(
            ActorRefResolver.get(ctx.getSystem()).toSerializationFormat(connection),
            connectionInfo,
            window,
            connectionDeliversBroadcasts,
            connectionRoute);
    var written =
        write(state, List.of(new SessionEvent.ConnectionParked(parked, clock.millis())))
            .thenRun(
                s -> {
                  metrics.parked();
                  toConnection(new ConnectionMessage.Parked(ctx.getSelf()));
                  if (shard != null) shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                });
    return shard != null ? written : written.thenStop();
  }

  /**
   * After recovery of a parked session: takes its connection up again, as it was when it parked
   * (the connection was told {@link ConnectionMessage.Parked} and stayed attached for its client),
   * and tells it {@link Attached} so it watches this incarnation. If the connection is gone
   * meanwhile, its death watch fires at once and the session detaches as usual.
   */
  private void resume(SessionState state, ParkedConnection parked) {
    takeConnection(
        state,
        ActorRefResolver.get(ctx.getSystem()).resolveActorRef(parked.connectionRef()),
        parked.routeId(),
        parked.info(),
        parked.window(),
        parked.deliversBroadcasts());
    hearBroadcasts(!connectionDeliversBroadcasts);
    callbacks.resumed();
    metrics.woken();
    startParkTimer();
    toConnection(attached(state.pendingCount(), state, state.createdAtMillis()));
    pump(state);
  }

  // ---- expiry and delivery rounds ----

  /**
   * Removes expired messages and writes the unwritten ack (persisted) before running {@code then};
   * runs it at once if there is neither. So status answers show the written state.
   */
  private Effect<SessionEvent, SessionState> purgeExpiredThen(
      SessionState state, Consumer<SessionState> then) {
    long now = clock.millis();
    List<Long> expired = state.expiredAt(now);
    if (expired.isEmpty() && !acksPending(state)) {
      then.accept(state);
      return Effect().none();
    }
    List<SessionEvent> events =
        expired.isEmpty() ? List.of() : List.of(new MessagesExpired(expired, now));
    return write(state, events).thenRun(then::accept);
  }

  /**
   * The event that closes the attached connection's delivery round, if it was pushed anything it
   * did not ack: those messages count one more delivery, and the ones that reach {@code
   * max-deliveries} are given up on.
   */
  private Optional<SessionEvent> endDeliveryRound(SessionState state) {
    long acked = ack.effective(state);
    if (deliveredUpTo <= acked) return Optional.empty();
    List<Long> undeliverable = new ArrayList<>();
    for (PendingMessage p : state.pendingInOrder()) {
      if (p.seq() > deliveredUpTo) break;
      if (p.seq() <= acked) continue; // acked, its ack not written yet
      if (p.deliveries() + 1 >= settings.maxDeliveries()) undeliverable.add(p.seq());
    }
    return Optional.of(new DeliveryRoundEnded(deliveredUpTo, undeliverable, clock.millis()));
  }

  /** After the queue changed: push what the window allows and keep the expiry timer right. */
  private void afterChange(SessionState state) {
    pump(state);
    scheduleExpiryCheck(state);
  }

  private void scheduleExpiryCheck(SessionState state) {
    long earliest = state.earliestExpiry();
    if (earliest == Long.MAX_VALUE) {
      timers.cancel(EXPIRY_TIMER);
      expiryTimerAt = Long.MAX_VALUE;
      return;
    }
    if (earliest == expiryTimerAt && timers.isTimerActive(EXPIRY_TIMER)) return;
    expiryTimerAt = earliest;
    long delay = Math.max(0, earliest - clock.millis()) + 1;
    timers.startSingleTimer(EXPIRY_TIMER, ExpiryCheck.INSTANCE, Duration.ofMillis(delay));
  }

  // ---- delivery ----

  /**
   * Pushes pending messages after {@link #deliveredUpTo} while fewer than {@link #window} are
   * unacked. Expired messages are skipped here (and removed on the next attach); a later cumulative
   * ack covers them.
   */
  private void pump(SessionState state) {
    if (connection == null || parking) return;
    long acked = ack.effective(state);
    long inFlight = Math.max(0, deliveredUpTo - acked);
    if (inFlight >= window) return;
    long now = clock.millis();
    for (PendingMessage p : state.pendingAfter(deliveredUpTo)) {
      if (inFlight >= window) break;
      if (p.message().isExpired(now)) continue;
      toConnection(
          new Push(
              p.message().id(),
              Qos.AT_LEAST_ONCE.level(),
              p.seq(),
              p.message().data(),
              p.message().acceptedAtMillis()));
      deliveredUpTo = p.seq();
      inFlight = deliveredUpTo - acked;
    }
  }

  /**
   * Pushes the app's broadcasts after what this connection was given, in bseq order, while fewer
   * than {@link #window} are unacked. Skips expired ones and those sent before the session came
   * into being; a later cumulative ack covers what was skipped.
   */
  private void pumpBroadcasts(SessionState state) {
    if (connection == null
        || parking
        || connectionDeliversBroadcasts
        || broadcastsInFlight.size() >= window) return;
    long now = clock.millis();
    long createdAt = state.createdAtMillis();
    for (BroadcastEntry e : broadcasts.after(app, broadcastDeliveredUpTo)) {
      if (broadcastsInFlight.size() >= window) break;
      if (e.isExpired(now) || e.sentAtMillis() < createdAt) {
        // never for this connection: step over it (a later cumulative ack covers it)
        if (broadcastsInFlight.isEmpty() || broadcastsInFlight.peekLast() < e.bseq())
          broadcastDeliveredUpTo = e.bseq();
        continue;
      }
      toConnection(
          new Push(e.id(), Qos.AT_LEAST_ONCE.level(), 0, e.bseq(), e.data(), e.sentAtMillis()));
      broadcastDeliveredUpTo = e.bseq();
      broadcastsInFlight.addLast(e.bseq());
    }
  }

  /**
   * To the attached connection: through its sink when it is on this node, else to its actor.
   * Everything of one attachment goes one way, so the connection sees it in the order sent.
   */
  private void toConnection(ConnectionMessage message) {
    if (connectionSink != null) {
      connectionSink.deliver(message);
    } else {
      connection.tell(ConnectionMessage.Routed.of(connectionRoute, entityId, message));
    }
  }

  private void resetBroadcastDelivery(SessionState state) {
    broadcastDeliveredUpTo = broadcastCursor(state);
    broadcastsInFlight.clear();
  }

  private void clearConnection() {
    hearBroadcasts(false);
    connectionDeliversBroadcasts = false;
    broadcastsInFlight.clear();
    connection = null;
    connectionRoute = null;
    connectionSink = null;
    connectionInfo = null;
    deliveredUpTo = 0;
    timers.cancel(PARK_TIMER);
    scheduleIdleCheck();
    if (callbacks.online()) {
      timers.startSingleTimer(
          OFFLINE_TIMER, SessionCommand.OfflineCheck.INSTANCE, callbacks.offlineDelay());
    }
  }

  /**
   * Notes activity while no connection is attached: the session passivates after {@code
   * idle-passivation} without any. One timer per idle period, not one per command (restarting it
   * for every message to an offline user cost the send path about 2 µs, docs/benchmarks.md): {@link
   * #onIdleCheck} re-arms it for the rest of the period.
   */
  private void scheduleIdleCheck() {
    if (connection == null) {
      idleSinceNanos = System.nanoTime();
      if (!timers.isTimerActive(IDLE_TIMER))
        timers.startSingleTimer(IDLE_TIMER, IdleCheck.INSTANCE, settings.idlePassivation());
    }
  }
}
