package io.pushgate.persistence.redis;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The shared Redis used for what must be consistent cluster-wide (send rate limits, idempotency
 * keys), from {@code pushgate.redis}.
 *
 * @param enabled false: every node keeps these locally (single node, or tests)
 * @param uri e.g. {@code redis://127.0.0.1:6379}; {@code PUSHGATE_REDIS_URI}
 * @param commandTimeout longest wait for one Redis command (default 200 ms): a slow or dead Redis
 *     must never stall API requests
 */
public record RedisSettings(boolean enabled, String uri, Duration commandTimeout) {

  public static RedisSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.redis");
    return new RedisSettings(
        c.getBoolean("enabled"), c.getString("uri"), c.getDuration("command-timeout"));
  }
}
