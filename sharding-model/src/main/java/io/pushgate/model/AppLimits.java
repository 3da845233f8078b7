package io.pushgate.model;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Per-app delivery policy, from {@code pushgate.apps.<app>.limits}, falling back to {@code
 * pushgate.app-defaults} (see apps.conf).
 *
 * @param defaultTtl TTL of a message sent without {@code ttl} (default 24 h)
 * @param maxTtl largest accepted {@code ttl} (default 30 days)
 * @param overflow what a full session queue does with a new message (default reject)
 * @param sendRate messages per second the app may send, cluster-wide (token bucket refill); one
 *     message to N recipients counts N
 * @param sendBurst token bucket capacity: how many messages may be sent at once after a quiet
 *     period
 */
public record AppLimits(
    Duration defaultTtl, Duration maxTtl, OverflowPolicy overflow, int sendRate, int sendBurst) {

  public static final AppLimits DEFAULTS =
      new AppLimits(
          Duration.ofHours(24), Duration.ofDays(30), OverflowPolicy.REJECT, 10_000, 20_000);

  public AppLimits {
    if (defaultTtl.isNegative() || defaultTtl.isZero())
      throw new IllegalArgumentException("default-ttl must be > 0");
    if (maxTtl.compareTo(defaultTtl) < 0)
      throw new IllegalArgumentException("max-ttl must be >= default-ttl");
    if (sendRate < 1) throw new IllegalArgumentException("send-rate must be >= 1");
    if (sendBurst < 1) throw new IllegalArgumentException("send-burst must be >= 1");
  }

  /** Reads a {@code limits} block; every key is required (merge with the defaults first). */
  public static AppLimits fromConfig(Config c) {
    return new AppLimits(
        c.getDuration("default-ttl"),
        c.getDuration("max-ttl"),
        OverflowPolicy.parse(c.getString("overflow")),
        c.getInt("send-rate"),
        c.getInt("send-burst"));
  }
}
