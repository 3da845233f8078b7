package io.pushgate.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The reconnect backoff dispatch hands out ({@code GET /v1/dispatch}, docs/api.md): attempt {@code
 * n} (from 0) waits {@code min(max, base * factor^n) * (1 +- jitter)}. Immutable.
 */
public final class Backoff {

  /** Dispatch's defaults: 1 s, x1.8, up to 5 min, +-30 %. */
  public static final Backoff DEFAULT = new Backoff(1000, 1.8, 0.3, 300_000);

  private final long baseMillis;
  private final double factor;
  private final double jitter;
  private final long maxMillis;

  public Backoff(long baseMillis, double factor, double jitter, long maxMillis) {
    this.baseMillis = baseMillis;
    this.factor = factor;
    this.jitter = jitter;
    this.maxMillis = maxMillis;
  }

  /** The delay before attempt {@code attempt}; {@code random} gives values in [0, 1). */
  public Duration delay(int attempt, DoubleSupplier random) {
    double raw = Math.min(maxMillis, baseMillis * Math.pow(factor, attempt));
    return Duration.ofMillis(
        Math.max(0, Math.round(raw * (1 + jitter * (2 * random.getAsDouble() - 1)))));
  }

  @Override
  public String toString() {
    return "Backoff[base="
        + baseMillis
        + "ms, factor="
        + factor
        + ", jitter="
        + jitter
        + ", max="
        + maxMillis
        + "ms]";
  }
}
