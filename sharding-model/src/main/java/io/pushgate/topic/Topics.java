package io.pushgate.topic;

import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Topics on this node: the history policy and the shard region of {@link TopicHistory} entities
 * (one per topic that keeps history). Started once per actor system on first use.
 */
public final class Topics implements Extension {

  public static final EntityTypeKey<TopicHistoryCommand> HISTORY_KEY =
      EntityTypeKey.create(TopicHistoryCommand.class, "topic-history");

  private static final Id ID = new Id();

  private final TopicHistoryPolicy policy;
  private final ClusterSharding sharding;

  private Topics(ActorSystem<?> system) {
    this.policy = TopicHistoryPolicy.fromConfig(system.settings().config());
    this.sharding = ClusterSharding.get(system);
    ClusterTopics topics = ClusterTopics.get(system);
    Clock clock = Clock.systemUTC();
    sharding.init(
        Entity.of(
                HISTORY_KEY,
                ctx -> {
                  String id = ctx.getEntityId();
                  int bar = id.indexOf('|');
                  String app = id.substring(0, bar);
                  String topic = id.substring(bar + 1);
                  TopicHistoryPolicy.Retention retention =
                      policy
                          .retentionOf(app, topic)
                          .orElse(new TopicHistoryPolicy.Retention(1, Duration.ofSeconds(1)));
                  return TopicHistory.create(
                      app,
                      topic,
                      retention,
                      clock,
                      push -> topics.publish(LivePush.class, push.clusterTopic(), push));
                })
            .withStopMessage(TopicHistoryCommand.Passivate.INSTANCE)
            // history lives in memory: an idle topic must keep it, so never passivate
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static Topics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** How much history the topic keeps; empty: none (messages are only published live). */
  public Optional<TopicHistoryPolicy.Retention> retentionOf(String app, String topic) {
    return policy.retentionOf(app, topic);
  }

  /** The topic's history, anywhere in the cluster. */
  public EntityRef<TopicHistoryCommand> history(String app, String topic) {
    return sharding.entityRefFor(HISTORY_KEY, TopicHistory.entityId(app, topic));
  }

  private static final class Id extends ExtensionId<Topics> {
    @Override
    public Topics createExtension(ActorSystem<?> system) {
      return new Topics(system);
    }
  }
}
