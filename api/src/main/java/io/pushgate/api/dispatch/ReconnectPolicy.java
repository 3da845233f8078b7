package io.pushgate.api.dispatch;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The backoff clients use between failed connection attempts, handed out by dispatch so that
 * operators can slow a reconnect storm without a client release: {@code delay(n) = min(max, base *
 * factor^n) * (1 ± jitter)}.
 *
 * @param base first delay (default 1 s)
 * @param factor growth per failed attempt (default 1.8)
 * @param jitter fraction of random spread, 0..1 (default 0.3)
 * @param max largest delay (default 5 min)
 */
public record ReconnectPolicy(Duration base, double factor, double jitter, Duration max) {

  public ReconnectPolicy {
    if (base.isNegative() || base.isZero())
      throw new IllegalArgumentException("reconnect base must be > 0");
    if (factor < 1) throw new IllegalArgumentException("reconnect factor must be >= 1");
    if (jitter < 0 || jitter > 1)
      throw new IllegalArgumentException("reconnect jitter must be in 0..1");
    if (max.compareTo(base) < 0)
      throw new IllegalArgumentException("reconnect max must be >= base");
  }

  /** From {@code pushgate.dispatch.reconnect}. */
  public static ReconnectPolicy fromConfig(Config config) {
    Config c = config.getConfig("pushgate.dispatch.reconnect");
    return new ReconnectPolicy(
        c.getDuration("base"), c.getDouble("factor"), c.getDouble("jitter"), c.getDuration("max"));
  }
}
