package io.pushgate.gateway;

import com.typesafe.config.Config;

/**
 * Per-connection bounds of what a client may follow, and of the node's live fan-out, from {@code
 * pushgate.gateway.subscriptions} (reference.conf).
 *
 * @param maxQueuedLivePushes QoS 0 live pushes (app-wide broadcasts, topic messages) that may wait
 *     on this node for their paced turn; past it new ones are dropped
 * @param maxTopicsPerConnection topics one connection may be subscribed to (client and server-side
 *     subscriptions together); past it {@code too_many_topics}
 * @param maxAppsPerConnection apps one connection may have bound (the hello app included); past it
 *     {@code too_many_apps}
 */
public record SubscriptionSettings(
    int maxQueuedLivePushes, int maxTopicsPerConnection, int maxAppsPerConnection) {

  public SubscriptionSettings {
    if (maxQueuedLivePushes < 1)
      throw new IllegalArgumentException("max-queued-live-pushes must be >= 1");
    if (maxTopicsPerConnection < 0)
      throw new IllegalArgumentException("max-topics-per-connection must be >= 0");
    if (maxAppsPerConnection < 1)
      throw new IllegalArgumentException("max-apps-per-connection must be >= 1");
  }

  public static SubscriptionSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.gateway.subscriptions");
    return new SubscriptionSettings(
        c.getInt("max-queued-live-pushes"),
        c.getInt("max-topics-per-connection"),
        c.getInt("max-apps-per-connection"));
  }
}
