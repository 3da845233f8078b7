package io.pushgate.node;

import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Where sessions live in a test cluster: the shards and entities a node hosts, and users whose
 * session is on a given node.
 */
final class ShardPlacement {

  private ShardPlacement() {}

  /**
   * A user of {@code app} whose session lives on {@code node}, started through another node's API.
   * New shards go to the node with fewer shards, so after other tests {@code node} may get none for
   * a while: prefer users of shards it hosts already (the default extractor: |hash of the entity
   * id| mod shards), and start sessions of new users until it gets one (bounded).
   */
  static String userOn(PushgateNode node, ApiTestClient api, String app, String prefix)
      throws Exception {
    int shards =
        node.system().settings().config().getInt("pekko.cluster.sharding.number-of-shards");
    Set<String> shardsOnB = shardsOf(node.system());
    // the hash filter is cheap, the API calls are not: many candidates, at most 400 calls (when B
    // hosts one shard of many, 400 candidates alone could all miss it)
    int calls = 0;
    for (int i = 0; i < 100_000 && calls < 400; i++) {
      String candidate = prefix + i;
      String shard = String.valueOf(Math.abs((app + ":" + candidate).hashCode() % shards));
      if (!shardsOnB.isEmpty() && !shardsOnB.contains(shard)) continue;
      calls++;
      api.get("/v1/apps/" + app + "/users/" + candidate);
      if (hostedEntities(node.system()).contains(app + ":" + candidate)) return candidate;
      shardsOnB = shardsOf(node.system());
    }
    throw new AssertionError("no session landed on the node");
  }

  private static Set<String> shardsOf(ActorSystem<?> system) throws Exception {
    return regionState(system).getShards().stream()
        .map(s -> s.shardId())
        .collect(Collectors.toSet());
  }

  private static CurrentShardRegionState regionState(ActorSystem<?> system) throws Exception {
    return AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(SessionSharding.TYPE_KEY, replyTo),
            Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
  }

  static Set<String> hostedEntities(ActorSystem<?> system) throws Exception {
    return regionState(system).getShards().stream()
        .flatMap(shard -> shard.getEntityIds().stream())
        .collect(Collectors.toSet());
  }
}
