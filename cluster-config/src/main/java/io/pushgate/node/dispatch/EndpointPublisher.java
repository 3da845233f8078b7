package io.pushgate.node.dispatch;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Shares every gateway node's public client endpoint with the cluster (Distributed Data, a
 * last-writer-wins map from cluster address to endpoint), and keeps this node's view of the whole
 * map in {@code view} for lock-free reads by dispatch. Entries of nodes that left stay in the map
 * and are filtered out by membership when read.
 */
final class EndpointPublisher {

  static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("pushgate-gateway-endpoints");

  sealed interface Msg {}

  /** Publish this node's client endpoint (sent once its gateway is bound). */
  record Publish(String endpoint) implements Msg {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response)
      implements Msg {}

  private record Updated(Replicator.UpdateResponse<LWWMap<String, String>> response)
      implements Msg {}

  private EndpointPublisher() {}

  /**
   * @param view receives the latest address → endpoint map
   */
  static Behavior<Msg> create(AtomicReference<Map<String, String>> view) {
    return Behaviors.<Msg>setup(
        ctx ->
            DistributedData.<Msg, LWWMap<String, String>>withReplicatorMessageAdapter(
                replicator -> {
                  SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                  String address = self.uniqueAddress().address().toString();
                  replicator.subscribe(KEY, Changed::new);
                  return Behaviors.receive(Msg.class)
                      .onMessage(
                          Changed.class,
                          changed -> {
                            if (changed.response()
                                instanceof Replicator.Changed<LWWMap<String, String>> c) {
                              view.set(Map.copyOf(c.get(KEY).getEntries()));
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Publish.class,
                          publish -> {
                            replicator.askUpdate(
                                replyTo ->
                                    new Replicator.Update<>(
                                        KEY,
                                        LWWMap.empty(),
                                        Replicator.writeLocal(),
                                        replyTo,
                                        map -> map.put(self, address, publish.endpoint())),
                                Updated::new);
                            return Behaviors.same();
                          })
                      .onMessage(Updated.class, updated -> Behaviors.same())
                      .build();
                }));
  }
}
