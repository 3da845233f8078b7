package io.pushgate.api.ratelimit;

import io.pushgate.model.App;
import java.util.concurrent.CompletionStage;

/**
 * The per-app send rate limit: a token bucket refilled at {@code App.limits().sendRate()} tokens
 * per second, holding at most {@code sendBurst()}; a send costs one token per recipient.
 * Implementations never block and never fail the stage (a broken backend degrades to a local limit,
 * see {@link RedisSendRateLimiter}).
 */
public interface SendRateLimiter {
  CompletionStage<RateDecision> acquire(App app, int cost);
}
