package io.pushgate.node.dispatch;

import io.pushgate.api.dispatch.EndpointDirectory;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The cluster's view of where clients should connect: gateway endpoints shared through {@link
 * EndpointPublisher}, shard homes from {@link ShardHomes}, filtered by current membership (only Up,
 * reachable members). Reads are lock-free snapshots; safe from any thread.
 */
public final class ClusterEndpointDirectory implements EndpointDirectory {

  private final Cluster cluster;
  private final HashCodeMessageExtractor<SessionCommand> shards;
  private final AtomicReference<Map<String, String>> endpoints = new AtomicReference<>(Map.of());
  private final AtomicReference<Map<String, String>> homes = new AtomicReference<>(Map.of());
  private ActorRef<EndpointPublisher.Msg> publisher;

  private ClusterEndpointDirectory(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
    int numberOfShards =
        system.settings().config().getInt("pekko.cluster.sharding.number-of-shards");
    this.shards = new HashCodeMessageExtractor<>(numberOfShards);
  }

  /**
   * Starts following the gateways' endpoints and the shard homes.
   *
   * @param pollInterval how often shard homes are refreshed
   */
  public static ClusterEndpointDirectory start(ActorSystem<?> system, Duration pollInterval) {
    ClusterEndpointDirectory directory = new ClusterEndpointDirectory(system);
    directory.publisher =
        system.systemActorOf(
            EndpointPublisher.create(directory.endpoints),
            "pushgate-endpoint-publisher",
            Props.empty());
    system.systemActorOf(
        ShardHomes.create(pollInterval, directory.homes).unsafeCast(),
        "pushgate-shard-homes",
        Props.empty());
    return directory;
  }

  /** Announces this node's client endpoint to the cluster (once its gateway is bound). */
  public void publish(String endpoint) {
    publisher.tell(new EndpointPublisher.Publish(endpoint));
  }

  @Override
  public List<String> endpointsFor(SessionId session) {
    Set<String> usable = usableMembers();
    Map<String, String> known = endpoints.get();
    String home = homes.get().get(shards.shardId(session.entityId()));
    List<String> ordered = new ArrayList<>();
    if (home != null && usable.contains(home) && known.containsKey(home))
      ordered.add(known.get(home));
    int spread = session.entityId().hashCode();
    known.entrySet().stream()
        .filter(e -> usable.contains(e.getKey()) && !e.getKey().equals(home))
        .sorted(Comparator.comparingInt(e -> Integer.rotateLeft(e.getKey().hashCode() ^ spread, 7)))
        .forEach(e -> ordered.add(e.getValue()));
    return List.copyOf(ordered);
  }

  /** Addresses of members that are Up and reachable from here (never leaving or exiting). */
  private Set<String> usableMembers() {
    var state = cluster.state();
    Set<String> unreachable = new HashSet<>();
    state.getUnreachable().forEach(m -> unreachable.add(m.address().toString()));
    Set<String> usable = new HashSet<>();
    StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(m -> m.address().toString())
        .filter(a -> !unreachable.contains(a))
        .forEach(usable::add);
    return usable;
  }
}
