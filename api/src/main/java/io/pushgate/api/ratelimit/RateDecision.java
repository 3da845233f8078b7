package io.pushgate.api.ratelimit;

/**
 * Whether a send may go ahead.
 *
 * @param retryAfterMillis when refused: how long until enough tokens have accumulated
 */
public record RateDecision(boolean allowed, long retryAfterMillis) {

  public static final RateDecision ALLOWED = new RateDecision(true, 0);

  public static RateDecision refused(long retryAfterMillis) {
    return new RateDecision(false, retryAfterMillis);
  }
}
