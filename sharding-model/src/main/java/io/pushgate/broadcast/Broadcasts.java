package io.pushgate.broadcast;

import io.pushgate.fanout.ClusterTopics;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionBroadcasts;
import io.pushgate.session.SessionCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * App-wide QoS 1 broadcasts on this node: the shard region of the per-app {@link BroadcastLog}s,
 * this node's {@link BroadcastReplica} and its {@link BroadcastHub}. Started once per actor system
 * on first use ({@link #get}); the session entities of the node read broadcasts through it ({@link
 * SessionBroadcasts}), so do its gateway connections ({@link BroadcastFeed}) with {@code delivery =
 * connection}, and the API publishes through {@link #log}.
 */
public final class Broadcasts implements Extension, SessionBroadcasts, BroadcastFeed {

  private static final Id ID = new Id();

  private final ClusterSharding sharding;
  private final BroadcastReplica replica = new BroadcastReplica();
  private final ActorRef<BroadcastHub.Command> hub;
  private final BroadcastSettings settings;

  private Broadcasts(ActorSystem<?> system) {
    this.settings = BroadcastSettings.fromConfig(system.settings().config());
    this.sharding = ClusterSharding.get(system);
    ClusterTopics topics = ClusterTopics.get(system);
    Clock clock = Clock.systemUTC();
    sharding.init(
        Entity.of(
                BroadcastSharding.TYPE_KEY,
                ctx ->
                    BroadcastLog.create(
                        ctx.getEntityId(),
                        settings,
                        clock,
                        entry ->
                            topics.publish(
                                BroadcastEntry.class,
                                BroadcastHub.announcementTopic(ctx.getEntityId()),
                                entry)))
            .withStopMessage(BroadcastCommand.Passivate.INSTANCE)
            // one per app, and its ack counts live in memory: never passivate
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    AppRegistry apps =
        system.settings().config().hasPath("pushgate.apps")
            ? AppRegistry.fromConfig(system.settings().config())
            : new AppRegistry(List.of());
    this.hub =
        system.systemActorOf(
            BroadcastHub.create(replica, this::log, apps::sendRate, settings, clock),
            "broadcast-hub",
            Props.empty());
  }

  public static Broadcasts get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public BroadcastSettings settings() {
    return settings;
  }

  /** The app's broadcast log, anywhere in the cluster. */
  public EntityRef<BroadcastCommand> log(String app) {
    return sharding.entityRefFor(BroadcastSharding.TYPE_KEY, app);
  }

  @Override
  public List<BroadcastEntry> after(String app, long bseq) {
    return replica.view(app).after(bseq);
  }

  @Override
  public void attached(String app, ActorRef<SessionCommand> session) {
    hub.tell(new BroadcastHub.Register(app, session));
  }

  @Override
  public void detached(String app, ActorRef<SessionCommand> session) {
    hub.tell(new BroadcastHub.Unregister(app, session));
  }

  @Override
  public void follow(String app, Runnable listener) {
    hub.tell(new BroadcastHub.Follow(app, listener));
  }

  @Override
  public void unfollow(String app, Runnable listener) {
    hub.tell(new BroadcastHub.Unfollow(app, listener));
  }

  @Override
  public Duration ackReportDelay() {
    return settings.ackReportDelay();
  }

  /**
   * This node's broadcasts for connections that deliver them, or null with {@code delivery =
   * session}.
   */
  public BroadcastFeed feedForConnections() {
    return settings.connectionDelivery() ? this : null;
  }

  @Override
  public void acked(String app, long fromBseq, long toBseq) {
    replica.countAck(app, fromBseq, toBseq);
  }

  private static final class Id extends ExtensionId<Broadcasts> {
    @Override
    public Broadcasts createExtension(ActorSystem<?> system) {
      return new Broadcasts(system);
    }
  }
}
