package io.pushgate.broadcast;

import io.pushgate.broadcast.BroadcastCommand.Entries;
import io.pushgate.fanout.ClusterTopics;
import io.pushgate.session.SessionCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One per node: keeps the node's {@link BroadcastReplica} in step with every app's {@link
 * BroadcastLog} and tells the node's listeners when their app has new broadcasts: attached sessions
 * that deliver broadcasts themselves, and connections that do ({@link BroadcastFeed}).
 *
 * <p>An app is loaded on first use (the first session of the app that attaches here): the hub
 * subscribes to the app's announcements (cluster pub/sub, one message per node per broadcast) and
 * reads the log's live entries. An announcement that is not the next bseq, and every {@code
 * sync-interval}, makes it read the log again, so a lost announcement delays a broadcast but never
 * loses it. Notifications are paced: at most the app's {@code send-rate} sessions per second on
 * this node are told, so a broadcast to a million online users does not flood the node; a session
 * told once delivers everything new it finds.
 */
public final class BroadcastHub extends AbstractBehavior<BroadcastHub.Command> {

  /** Pacing tick: notifications are handed out in slices of this length. */
  static final Duration TICK = Duration.ofMillis(10);

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  record Register(String app, ActorRef<SessionCommand> session) implements Command {}

  record Unregister(String app, ActorRef<SessionCommand> session) implements Command {}

  /** A connection that delivers broadcasts itself (see {@link BroadcastFeed#follow}). */
  record Follow(String app, Runnable listener) implements Command {}

  record Unfollow(String app, Runnable listener) implements Command {}

  private record Announced(String app, BroadcastEntry entry) implements Command {}

  private record Synced(String app, long afterHead, Entries entries) implements Command {}

  private record SyncFailed(String app, Throwable cause) implements Command {}

  private record SessionGone(String app, ActorRef<SessionCommand> session) implements Command {}

  private enum Tick implements Command {
    NOTIFY,
    SYNC,
    REPORT_ACKS
  }

  /** Topic name of an app's QoS 1 broadcast announcements. */
  public static String announcementTopic(String app) {
    return "pushgate.broadcast." + app;
  }

  /**
   * An app's listeners: sessions (each told by a tell, watched) and connections (each a runnable).
   */
  private static final class AppState {
    final Map<ActorRef<SessionCommand>, Runnable> sessions = new HashMap<>();
    final ListenerRounds listeners = new ListenerRounds();
    boolean syncing;
    boolean resync;
  }

  private final BroadcastReplica replica;
  private final Function<String, EntityRef<BroadcastCommand>> logs;
  private final ToIntFunction<String> ratePerSecond;
  private final BroadcastSettings settings;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final Map<String, AppState> apps = new HashMap<>();

  private BroadcastHub(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      BroadcastReplica replica,
      Function<String, EntityRef<BroadcastCommand>> logs,
      ToIntFunction<String> ratePerSecond,
      BroadcastSettings settings,
      Clock clock) {
    super(ctx);
    this.timers = timers;
    this.replica = replica;
    this.logs = logs;
    this.ratePerSecond = ratePerSecond;
    this.settings = settings;
    this.clock = clock;
    timers.startTimerWithFixedDelay(Tick.SYNC, settings.syncInterval());
    timers.startTimerWithFixedDelay(Tick.REPORT_ACKS, settings.ackReportInterval());
  }

  static Behavior<Command> create(
      BroadcastReplica replica,
      Function<String, EntityRef<BroadcastCommand>> logs,
      ToIntFunction<String> ratePerSecond,
      BroadcastSettings settings,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                t -> new BroadcastHub(ctx, t, replica, logs, ratePerSecond, settings, clock)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, m -> forget(m.app(), m.session(), true))
        .onMessage(SessionGone.class, m -> forget(m.app(), m.session(), false))
        .onMessage(Follow.class, this::onFollow)
        .onMessage(Unfollow.class, this::onUnfollow)
        .onMessage(Announced.class, this::onAnnounced)
        .onMessage(Synced.class, this::onSynced)
        .onMessage(SyncFailed.class, this::onSyncFailed)
        .onMessageEquals(Tick.NOTIFY, this::onNotifyTick)
        .onMessageEquals(Tick.SYNC, this::onSyncTick)
        .onMessageEquals(Tick.REPORT_ACKS, this::onReportAcks)
        .build();
  }

  private Behavior<Command> onRegister(Register m) {
    AppState app = appState(m.app());
    if (!app.sessions.containsKey(m.session())) {
      ActorRef<SessionCommand> session = m.session();
      Runnable tell = () -> session.tell(SessionCommand.BroadcastsAvailable.INSTANCE);
      app.sessions.put(session, tell);
      app.listeners.add(tell);
      getContext().watchWith(session, new SessionGone(m.app(), session));
    }
    return this;
  }

  private Behavior<Command> forget(
      String appId, ActorRef<SessionCommand> session, boolean unwatch) {
    AppState app = apps.get(appId);
    Runnable tell = app == null ? null : app.sessions.remove(session);
    if (tell != null) {
      app.listeners.remove(tell);
      if (unwatch) getContext().unwatch(session);
    }
    return this;
  }

  private Behavior<Command> onFollow(Follow m) {
    AppState app = appState(m.app());
    // already loaded: the follower starts from the replica as it is; a first load notifies everyone
    if (app.listeners.add(m.listener()) && replica.isLoaded(m.app())) m.listener().run();
    return this;
  }

  private Behavior<Command> onUnfollow(Unfollow m) {
    AppState app = apps.get(m.app());
    if (app != null) app.listeners.remove(m.listener());
    return this;
  }

  private AppState appState(String appId) {
    AppState app = apps.get(appId);
    if (app == null) {
      app = new AppState();
      apps.put(appId, app);
      ActorRef<BroadcastEntry> adapter =
          getContext().messageAdapter(BroadcastEntry.class, e -> new Announced(appId, e));
      ClusterTopics.get(getContext().getSystem())
          .topic(BroadcastEntry.class, announcementTopic(appId))
          .tell(Topic.subscribe(adapter));
      sync(appId, app);
    }
    return app;
  }

  private Behavior<Command> onAnnounced(Announced m) {
    AppState app = apps.get(m.app());
    if (app == null || !replica.isLoaded(m.app())) return this; // the running sync will bring it
    BroadcastReplica.View view = replica.view(m.app());
    if (m.entry().bseq() <= view.head()) return this;
    if (m.entry().bseq() != view.head() + 1) {
      sync(m.app(), app); // a gap: an announcement was lost
      return this;
    }
    replica.set(
        m.app(),
        BroadcastReplica.merge(view, m.entry().bseq(), List.of(m.entry()), clock.millis()));
    notifyAll(app);
    return this;
  }

  private void sync(String appId, AppState app) {
    if (app.syncing) {
      app.resync = true;
      return;
    }
    app.syncing = true;
    long head = replica.view(appId).head();
    getContext()
        .ask(
            Entries.class,
            logs.apply(appId),
            settings.askTimeout(),
            replyTo -> new BroadcastCommand.GetSince(head, replyTo),
            (entries, error) ->
                error != null ? new SyncFailed(appId, error) : new Synced(appId, head, entries));
  }

  private Behavior<Command> onSynced(Synced m) {
    AppState app = apps.get(m.app());
    if (app == null) return this;
    app.syncing = false;
    boolean firstLoad = !replica.isLoaded(m.app());
    BroadcastReplica.View view = replica.view(m.app());
    // entries up to the view's head are known already (announcements may have moved it on
    // since the request); the log's answer holds every live entry after afterHead
    BroadcastReplica.View merged =
        BroadcastReplica.merge(view, m.entries().head(), m.entries().entries(), clock.millis());
    replica.set(m.app(), merged);
    if (firstLoad || merged.head() > view.head()) notifyAll(app);
    if (app.resync) {
      app.resync = false;
      sync(m.app(), app);
    }
    return this;
  }

  private Behavior<Command> onSyncFailed(SyncFailed m) {
    AppState app = apps.get(m.app());
    if (app != null) app.syncing = false; // the next sync tick retries
    getContext()
        .getLog()
        .debug("broadcast log of {} did not answer: {}", m.app(), m.cause().toString());
    return this;
  }

  private Behavior<Command> onSyncTick() {
    apps.forEach(this::sync);
    return this;
  }

  private Behavior<Command> onReportAcks() {
    replica
        .drainAcks()
        .forEach((app, counts) -> logs.apply(app).tell(new BroadcastCommand.CountAcks(counts)));
    return this;
  }

  private void notifyAll(AppState app) {
    app.listeners.broadcastArrived();
    if (app.listeners.pending() && !timers.isTimerActive(Tick.NOTIFY)) {
      getContext().getSelf().tell(Tick.NOTIFY);
    }
  }

  /** Tells each app's next listeners, at most its rate per second. */
  private Behavior<Command> onNotifyTick() {
    boolean more = false;
    for (Map.Entry<String, AppState> e : apps.entrySet()) {
      AppState app = e.getValue();
      app.listeners.tell(
          Math.max(1, ratePerSecond.applyAsInt(e.getKey()) * TICK.toMillis() / 1000));
      more |= app.listeners.pending();
    }
    if (more && !timers.isTimerActive(Tick.NOTIFY)) timers.startSingleTimer(Tick.NOTIFY, TICK);
    return this;
  }
}
