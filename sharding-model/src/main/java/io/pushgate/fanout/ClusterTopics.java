package io.pushgate.fanout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * This node's cluster pub/sub topics: one {@link Topic} actor per name and node, started on first
 * use and shared by every publisher and subscriber on the node, so a message published once reaches
 * each subscribing node once. Delivery is at most once and ordered per publisher and subscriber; a
 * subscriber on another node is seen after the receptionist has gossiped it (typically well under a
 * second). Thread-safe.
 *
 * <p>Topic actors live as long as the node: the number of names must stay bounded by the caller
 * (per app, or per topic with local subscribers).
 */
public final class ClusterTopics implements Extension {

  private static final Id ID = new Id();

  private final ActorSystem<?> system;
  private final ConcurrentMap<String, ActorRef<?>> topics = new ConcurrentHashMap<>();

  private ClusterTopics(ActorSystem<?> system) {
    this.system = system;
  }

  public static ClusterTopics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The topic actor for {@code name} on this node; every use of a name must give the same type. */
  @SuppressWarnings("unchecked")
  public <T> ActorRef<Topic.Command<T>> topic(Class<T> type, String name) {
    return (ActorRef<Topic.Command<T>>)
        topics.computeIfAbsent(
            name,
            n ->
                system.systemActorOf(
                    Topic.create(type, n),
                    "topic-" + URLEncoder.encode(n, StandardCharsets.UTF_8),
                    Props.empty()));
  }

  /** Publishes {@code message} to every subscriber of {@code name} in the cluster. */
  public <T> void publish(Class<T> type, String name, T message) {
    topic(type, name).tell(Topic.publish(message));
  }

  private static final class Id extends ExtensionId<ClusterTopics> {
    @Override
    public ClusterTopics createExtension(ActorSystem<?> system) {
      return new ClusterTopics(system);
    }
  }
}
