package io.pushgate.api.webhook;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How status callbacks are delivered, for every app of the node: {@code pushgate.callbacks} (this
 * module's reference.conf; docs/configuration.md). Immutable.
 *
 * @param queueSize events queued per app on this node; past it the oldest is dropped and counted
 *     (default 10,000)
 * @param maxBatchEvents most events in one POST (default 100)
 * @param maxBatchDelay longest an event waits for a batch to fill (default 200 ms)
 * @param requestTimeout a POST not answered within this fails and is retried (default 5 s)
 * @param maxAttempts POSTs of one batch before it is given up on and counted failed (12)
 * @param minBackoff first retry delay (500 ms), doubled per attempt up to maxBackoff (30 s)
 * @param maxBackoff longest retry delay
 * @param randomFactor jitter: each delay is stretched by up to this fraction (0.2)
 * @param breakerMaxFailures consecutive failed POSTs that open the endpoint's circuit (5)
 * @param breakerResetTimeout how long it stays open before one trial POST (10 s), doubled after
 *     each failed trial up to breakerMaxResetTimeout (5 min)
 * @param breakerMaxResetTimeout longest open period
 * @param offlineDelay default debounce of {@code offline} (3 s); per app overridable
 * @param stopTimeout node shutdown: how long queued events may take to go out (5 s)
 */
public record WebhookSettings(
    int queueSize,
    int maxBatchEvents,
    Duration maxBatchDelay,
    Duration requestTimeout,
    int maxAttempts,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    int breakerMaxFailures,
    Duration breakerResetTimeout,
    Duration breakerMaxResetTimeout,
    Duration offlineDelay,
    Duration stopTimeout) {

  public WebhookSettings {
    positive(queueSize, "queue-size");
    positive(maxBatchEvents, "max-batch-events");
    positive(maxAttempts, "max-attempts");
    positive(breakerMaxFailures, "breaker.max-failures");
    if (randomFactor < 0 || randomFactor > 1) {
      throw new IllegalArgumentException(
          "pushgate.callbacks.backoff.random-factor must be between 0 and 1");
    }
    if (minBackoff.compareTo(maxBackoff) > 0) {
      throw new IllegalArgumentException(
          "pushgate.callbacks.backoff.min must not exceed backoff.max");
    }
  }

  public static WebhookSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.callbacks");
    return new WebhookSettings(
        c.getInt("queue-size"),
        c.getInt("max-batch-events"),
        c.getDuration("max-batch-delay"),
        c.getDuration("request-timeout"),
        c.getInt("max-attempts"),
        c.getDuration("backoff.min"),
        c.getDuration("backoff.max"),
        c.getDouble("backoff.random-factor"),
        c.getInt("breaker.max-failures"),
        c.getDuration("breaker.reset-timeout"),
        c.getDuration("breaker.max-reset-timeout"),
        c.getDuration("offline-delay"),
        c.getDuration("stop-timeout"));
  }

  /**
   * The delay before retry number {@code attempt} (1 = the first retry): min-backoff doubled per
   * attempt, capped at max-backoff, stretched by {@code random} (0..1) times the random factor.
   */
  public Duration backoff(int attempt, double random) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxBackoff.toMillis());
    return Duration.ofMillis((long) (capped * (1 + randomFactor * random)));
  }

  private static void positive(int value, String key) {
    if (value < 1)
      throw new IllegalArgumentException("pushgate.callbacks." + key + " must be >= 1");
  }
}
