package io.pushgate.session;

import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.broadcast.Broadcasts;
import io.pushgate.callback.CallbackSink;
import io.pushgate.model.SessionId;
import io.pushgate.notify.PushNotifier;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.japi.function.Function;

/**
 * The cluster-wide session registry: one sharded {@link SessionEntity} per {@link SessionId}. The
 * number of shards is fixed by {@code pekko.cluster.sharding.number-of-shards} (256) and must never
 * change on a running cluster.
 */
public final class SessionSharding {

  public static final EntityTypeKey<SessionCommand> TYPE_KEY =
      EntityTypeKey.create(SessionCommand.class, "session");

  private final ClusterSharding sharding;
  private final ActorRef<ShardingEnvelope<SessionCommand>> region;
  private final Scheduler scheduler;
  private final BroadcastFeed broadcastFeed;

  private SessionSharding(
      ClusterSharding sharding,
      ActorRef<ShardingEnvelope<SessionCommand>> region,
      Scheduler scheduler,
      BroadcastFeed broadcastFeed) {
    this.sharding = sharding;
    this.region = region;
    this.scheduler = scheduler;
    this.broadcastFeed = broadcastFeed;
  }

  /**
   * Starts the shard region on this node (idempotent per system), and the node's broadcast replica
   * that its sessions read ({@link Broadcasts}).
   */
  public static SessionSharding init(ActorSystem<?> system) {
    return init(system, CallbackSink.NONE, PushNotifier.NONE);
  }

  /**
   * As {@link #init(ActorSystem)}, with sessions raising status callbacks into {@code callbacks}
   * and handing mobile push notifications to {@code notifier}.
   */
  public static SessionSharding init(
      ActorSystem<?> system, CallbackSink callbacks, PushNotifier notifier) {
    Broadcasts broadcasts = Broadcasts.get(system);
    SessionDeps deps =
        SessionDeps.of(SessionSettings.fromConfig(system.settings().config()))
            .withBroadcasts(broadcasts)
            .withCallbacks(callbacks)
            .withNotifier(notifier);
    ClusterSharding sharding = ClusterSharding.get(system);
    ActorRef<ShardingEnvelope<SessionCommand>> region =
        sharding.init(
            Entity.of(
                    TYPE_KEY, ctx -> SessionEntity.create(ctx.getEntityId(), ctx.getShard(), deps))
                .withStopMessage(SessionCommand.Passivate.INSTANCE));
    return new SessionSharding(
        sharding, region, system.scheduler(), broadcasts.feedForConnections());
  }

  /**
   * Asks the session (starting it if needed) through this node's shard region and completes with
   * its reply, or fails after {@code timeout}. The same route as {@code session(id).ask}, without
   * an {@link EntityRef} per call (whose ask URL-encodes a name for every temporary actor: 2 % of a
   * send's CPU).
   */
  public <R> CompletionStage<R> ask(
      SessionId id, Function<ActorRef<R>, SessionCommand> command, Duration timeout) {
    String entityId = id.entityId();
    return AskPattern.ask(
        region,
        replyTo -> new ShardingEnvelope<>(entityId, command.apply(replyTo)),
        timeout,
        scheduler);
  }

  /**
   * This node's QoS 1 broadcasts for the gateway's connections to deliver themselves, or null when
   * sessions deliver them ({@code pushgate.broadcast.delivery = session}).
   */
  public BroadcastFeed broadcastFeed() {
    return broadcastFeed;
  }

  /** A location-transparent reference to the session; starts it on first message. */
  public EntityRef<SessionCommand> session(SessionId id) {
    return sharding.entityRefFor(TYPE_KEY, id.entityId());
  }
}
