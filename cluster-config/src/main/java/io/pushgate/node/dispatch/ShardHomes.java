package io.pushgate.node.dispatch;

import io.pushgate.session.SessionSharding;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Keeps a map shard id → cluster address of the node hosting it, polled from sharding every {@code
 * interval} (so dispatch can put the session's home first without asking anyone per request). Stale
 * by at most one interval after a rebalance; dispatch then only orders endpoints less well.
 */
final class ShardHomes {

  private enum Tick {
    INSTANCE
  }

  private ShardHomes() {}

  static Behavior<?> create(Duration interval, AtomicReference<Map<String, String>> view) {
    return Behaviors.<Object>setup(
            ctx -> {
              var adapter = ctx.messageAdapter(ShardRegion.ClusterShardingStats.class, s -> s);
              return Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
                    return Behaviors.receive(Object.class)
                        .onMessageEquals(
                            Tick.INSTANCE,
                            () -> {
                              ClusterSharding.get(ctx.getSystem())
                                  .shardState()
                                  .tell(
                                      new GetClusterShardingStats(
                                          SessionSharding.TYPE_KEY, interval, adapter));
                              return Behaviors.same();
                            })
                        .onMessage(
                            ShardRegion.ClusterShardingStats.class,
                            stats -> {
                              Map<String, String> homes = new HashMap<>();
                              stats
                                  .getRegions()
                                  .forEach(
                                      (address, region) ->
                                          region
                                              .getStats()
                                              .keySet()
                                              .forEach(
                                                  shard -> homes.put(shard, address.toString())));
                              view.set(Map.copyOf(homes));
                              return Behaviors.same();
                            })
                        .build();
                  });
            })
        .narrow();
  }
}
