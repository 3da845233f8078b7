package io.pushgate.api.idempotency;

import io.lettuce.core.SetArgs;
import io.pushgate.persistence.redis.RedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys in the shared Redis: {@code SET NX} claims a key atomically across the cluster
 * (with the in-flight timeout as its expiry), the final answer replaces it with the retention as
 * expiry. Fails its stage when Redis cannot be reached.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

  private final RedisConnection redis;
  private final String keyPrefix;
  private final Duration retention;
  private final Duration inFlightTimeout;

  public RedisIdempotencyStore(
      RedisConnection redis, String keyPrefix, Duration retention, Duration inFlightTimeout) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.retention = retention;
    this.inFlightTimeout = inFlightTimeout;
  }

  @Override
  public CompletionStage<Claim> claim(String app, String key, String requestHash) {
    String redisKey = redisKey(app, key);
    return redis
        .commands()
        .thenCompose(
            c ->
                c.set(
                        redisKey,
                        StoredEntry.inFlight(requestHash).toJson(),
                        SetArgs.Builder.nx().px(inFlightTimeout))
                    .thenCompose(
                        ok -> {
                          if ("OK".equals(ok))
                            return CompletableFuture.completedFuture((Claim) new Claim.Fresh());
                          return c.get(redisKey)
                              .thenApply(
                                  json ->
                                      json == null
                                          ? (Claim)
                                              new Claim.InProgress() // expired between SET and GET:
                                          // retry
                                          : StoredEntry.fromJson(json).claimFor(requestHash));
                        }));
  }

  @Override
  public CompletionStage<Void> complete(
      String app, String key, String requestHash, StoredResponse response) {
    String json = new StoredEntry(requestHash, response.status(), response.body()).toJson();
    return redis
        .commands()
        .thenCompose(c -> c.set(redisKey(app, key), json, SetArgs.Builder.px(retention)))
        .thenApply(ok -> null);
  }

  @Override
  public CompletionStage<Void> release(String app, String key) {
    return redis.commands().thenCompose(c -> c.del(redisKey(app, key))).thenApply(n -> null);
  }

  private String redisKey(String app, String key) {
    return keyPrefix + app + ":" + key;
  }
}
