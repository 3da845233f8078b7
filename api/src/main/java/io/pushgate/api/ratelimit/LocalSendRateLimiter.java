package io.pushgate.api.ratelimit;

import io.pushgate.model.App;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Send rate limits kept in this JVM: exact for one node; with N nodes each allows the full rate
 * (used when Redis is disabled, and as {@link RedisSendRateLimiter}'s fallback).
 */
public final class LocalSendRateLimiter implements SendRateLimiter {

  private final Map<String, LocalTokenBucket> buckets = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<RateDecision> acquire(App app, int cost) {
    return CompletableFuture.completedFuture(acquireNow(app, cost));
  }

  RateDecision acquireNow(App app, int cost) {
    long now = System.nanoTime();
    LocalTokenBucket bucket =
        buckets.computeIfAbsent(
            app.id(),
            id -> new LocalTokenBucket(app.limits().sendRate(), app.limits().sendBurst(), now));
    return bucket.acquire(cost, now);
  }
}
