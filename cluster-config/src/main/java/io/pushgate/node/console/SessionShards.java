package io.pushgate.node.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushgate.session.SessionSharding;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * {@code GET /cluster/sessions/shards}: how the session shards are spread over the nodes, asked of
 * every region in the cluster (bounded by {@link #TIMEOUT}; a region that does not answer in time
 * shows 0 shards, and shards that did not answer their region are counted in {@code failed}). The
 * answer: {@code
 * {"regions":[{"node":"pekko://pushgate@10.0.0.1:25520","shards":34,"entities":1200,"failed":0}]}}.
 */
final class SessionShards {

  static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SessionShards() {}

  static CompletionStage<String> json(ActorSystem<?> system) {
    CompletionStage<ShardRegion.ClusterShardingStats> stats =
        AskPattern.ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(SessionSharding.TYPE_KEY, TIMEOUT, replyTo),
            TIMEOUT.plusSeconds(1),
            system.scheduler());
    return stats.thenApply(
        s -> {
          ObjectNode root = JSON.createObjectNode();
          ArrayNode regions = root.putArray("regions");
          s.getRegions()
              .forEach(
                  (address, region) -> {
                    ObjectNode r = regions.addObject();
                    r.put("node", address.toString());
                    r.put("shards", region.getStats().size());
                    r.put(
                        "entities",
                        region.getStats().values().stream()
                            .mapToLong(v -> ((Number) v).longValue())
                            .sum());
                    r.put("failed", region.getFailed().size());
                  });
          return root.toString();
        });
  }
}
