package io.pushgate.api.push;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's mobile push limits and timings, from {@code pushgate.push} (reference.conf,
 * push.conf).
 *
 * @param queueSize notifications (one per device) waiting per app on this node; past it a device's
 *     notification is dropped ({@code queue_full}) and counted
 * @param maxInFlight notifications per app on this node being sent or retried at once
 * @param requestTimeout longest wait for one provider answer (a hung provider fails it)
 * @param maxAttempts tries per notification for answers that may be retried (429, 5xx, timeout)
 * @param backoffMin wait before the second try, doubled per try
 * @param backoffMax longest wait between tries, also the cap on a provider's {@code Retry-After}
 * @param breakerMaxFailures consecutive retryable failures that open an app's circuit to a provider
 * @param breakerResetTimeout how long it stays open before one trial (doubling up to the max)
 * @param breakerMaxResetTimeout longest open period
 * @param caFile a PEM file of CA certificates to trust instead of the JDK's (tests, TLS-inspecting
 *     proxies); empty: the JDK's trust store
 */
public record PushSettings(
    int queueSize,
    int maxInFlight,
    Duration requestTimeout,
    int maxAttempts,
    Duration backoffMin,
    Duration backoffMax,
    int breakerMaxFailures,
    Duration breakerResetTimeout,
    Duration breakerMaxResetTimeout,
    String caFile) {

  public PushSettings {
    if (queueSize < 1) throw new IllegalArgumentException("pushgate.push.queue-size must be >= 1");
    if (maxInFlight < 1)
      throw new IllegalArgumentException("pushgate.push.max-in-flight must be >= 1");
    if (maxAttempts < 1)
      throw new IllegalArgumentException("pushgate.push.max-attempts must be >= 1");
    if (breakerMaxFailures < 1)
      throw new IllegalArgumentException("pushgate.push.breaker.max-failures must be >= 1");
  }

  public static PushSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.push");
    return new PushSettings(
        c.getInt("queue-size"),
        c.getInt("max-in-flight"),
        c.getDuration("request-timeout"),
        c.getInt("max-attempts"),
        c.getDuration("backoff-min"),
        c.getDuration("backoff-max"),
        c.getInt("breaker.max-failures"),
        c.getDuration("breaker.reset-timeout"),
        c.getDuration("breaker.max-reset-timeout"),
        c.getString("ca-file"));
  }
}
