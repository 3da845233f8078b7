package io.pushgate.api.ratelimit;

/**
 * Whether a send may go ahead.
 *
 * @param retryAfterMillis when refused: how long until enough tokens have accumulated
 * @param servedLocally when allowed: the tokens came from this node's fallback bucket (the shared
 *     limiter could not be reached), not from the shared bucket
 */
public record RateDecision(boolean allowed, long retryAfterMillis, boolean servedLocally) {

  public static final RateDecision ALLOWED = new RateDecision(true, 0, false);

  /** Allowed by the per-node fallback while the shared limiter is unreachable. */
  public static final RateDecision ALLOWED_LOCALLY = new RateDecision(true, 0, true);

  public static RateDecision refused(long retryAfterMillis) {
    return new RateDecision(false, retryAfterMillis, false);
  }
}
