package io.pushgate.api.ratelimit;

/**
 * A token bucket in this JVM, for one app. Thread-safe (synchronized: a few arithmetic
 * operations per send, never contended for long).
 */
final class LocalTokenBucket {

  private final double ratePerMilli;
  private final double capacity;
  private double tokens;
  private long lastNanos;

  LocalTokenBucket(int ratePerSecond, int capacity, long nowNanos) {
    this.ratePerMilli = ratePerSecond / 1000.0;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastNanos = nowNanos;
  }

  synchronized RateDecision acquire(int cost, long nowNanos) {
    double elapsedMillis = Math.max(0, nowNanos - lastNanos) / 1_000_000.0;
    tokens = Math.min(capacity, tokens + elapsedMillis * ratePerMilli);
    lastNanos = nowNanos;
    if (tokens >= cost) {
      tokens -= cost;
      return RateDecision.ALLOWED;
    }
    return RateDecision.refused((long) Math.ceil((cost - tokens) / ratePerMilli));
  }
}
