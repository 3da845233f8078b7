package io.pushgate.api.ratelimit;

/**
 * A token bucket in this JVM, for one app. Thread-safe (synchronized: a few arithmetic operations
 * per send, never contended for long).
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

  /**
   * Takes {@code cost} tokens if the bucket holds them at {@code nowNanos}. Callers read the clock
   * before they get the lock, so concurrent calls arrive with times out of order: a time earlier
   * than the last refill refills nothing and does not move the refill point back (moving it back
   * would count the time in between twice and admit more than the rate).
   */
  synchronized RateDecision acquire(int cost, long nowNanos) {
    if (nowNanos - lastNanos > 0) {
      tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) / 1_000_000.0 * ratePerMilli);
      lastNanos = nowNanos;
    }
    if (tokens >= cost) {
      tokens -= cost;
      return RateDecision.ALLOWED;
    }
    return RateDecision.refused((long) Math.ceil((cost - tokens) / ratePerMilli));
  }
}
