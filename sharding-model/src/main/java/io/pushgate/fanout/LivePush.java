package io.pushgate.fanout;

import io.pushgate.model.CborSerializable;
import java.util.Objects;

/**
 * A QoS 0 push for every online connection of an app ({@code topic == null}: an app-wide QoS 0
 * broadcast) or for every connection subscribed to one of its topics. Published once to the cluster
 * ({@link ClusterTopics}); each gateway node encodes it once and writes it to its own matching
 * connections. Never stored, never redelivered.
 *
 * @param offset the message's position in the topic's history (1, 2, ...) when the topic keeps
 *     history, else 0
 * @param epoch the history's epoch (changes when the history was lost) or null
 */
public record LivePush(String app, String topic, String id, String data, long offset, String epoch)
    implements CborSerializable {

  public LivePush {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
  }

  /** The cluster topic an app's live pushes travel on (app-wide, or one of its topics). */
  public static String clusterTopic(String app, String topic) {
    return topic == null ? "pushgate.live." + app : "pushgate.topic." + app + "." + topic;
  }

  public String clusterTopic() {
    return clusterTopic(app, topic);
  }
}
