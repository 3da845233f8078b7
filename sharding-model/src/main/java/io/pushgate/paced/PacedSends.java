package io.pushgate.paced;

import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.session.SessionSharding;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Paced sends: the shard region of the per-app {@link PacedSendQueue}s, from {@code
 * pushgate.api.paced} (the API's configuration). Started by the node with the app's shared rate
 * limit as the {@link RateGate}; every app's queue is resumed at start so sends queued before a
 * crash keep draining.
 */
public final class PacedSends {

  public static final EntityTypeKey<PacedCommand> TYPE_KEY =
      EntityTypeKey.create(PacedCommand.class, "paced-sends");

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  private PacedSends(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  /**
   * Starts the region on this node and resumes every app's queue.
   *
   * @param maxQueuedRecipients recipients that may wait per app ({@code
   *     pushgate.api.paced.max-queued-recipients})
   * @param askTimeout bound of one ask to a session or a queue
   */
  public static PacedSends init(
      ActorSystem<?> system,
      SessionSharding sessions,
      AppRegistry apps,
      RateGate gate,
      long maxQueuedRecipients,
      Duration askTimeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    Clock clock = Clock.systemUTC();
    sharding.init(
        Entity.of(
                TYPE_KEY,
                ctx ->
                    PacedSendQueue.create(
                        ctx.getEntityId(),
                        maxQueuedRecipients,
                        apps::sendRate,
                        gate,
                        sessions::session,
                        askTimeout,
                        clock))
            .withStopMessage(PacedCommand.Passivate.INSTANCE)
            // its drain runs on a timer, which sharding does not see as activity: never passivate
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    PacedSends paced = new PacedSends(sharding, askTimeout);
    apps.all()
        .forEach(
            app -> sharding.entityRefFor(TYPE_KEY, app.id()).tell(PacedCommand.Resume.INSTANCE));
    return paced;
  }

  /**
   * Queues a multicast for the app; the stage completes once it is persisted (or refused: queue
   * full).
   */
  public CompletionStage<PacedCommand.SubmitResult> submit(
      String app, PushMessage message, List<String> recipients, OverflowPolicy overflow) {
    return sharding
        .entityRefFor(TYPE_KEY, app)
        .ask(
            replyTo -> new PacedCommand.Submit(message, recipients, overflow, replyTo), askTimeout);
  }
}
