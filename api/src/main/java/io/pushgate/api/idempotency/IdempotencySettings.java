package io.pushgate.api.idempotency;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * From {@code pushgate.api.idempotency}.
 *
 * @param retention how long the answer to an idempotent send is kept (default 24 h)
 * @param inFlightTimeout how long a claimed key blocks retries while its request runs (default 30
 *     s; longer than any request can take)
 * @param maxLocalEntries bound of the in-memory store used when Redis is disabled (default 100,000)
 */
public record IdempotencySettings(
    Duration retention, Duration inFlightTimeout, int maxLocalEntries) {

  public static IdempotencySettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.api.idempotency");
    return new IdempotencySettings(
        c.getDuration("retention"),
        c.getDuration("in-flight-timeout"),
        c.getInt("max-local-entries"));
  }
}
