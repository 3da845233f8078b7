package io.pushgate.api.ratelimit;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.pushgate.model.App;
import io.pushgate.persistence.redis.RedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send rate limit shared by all nodes: one token bucket per app in Redis, refilled and taken
 * atomically by one Lua script (EVALSHA, falling back to EVAL when Redis does not know it), on
 * Redis's own clock so node clocks do not matter.
 *
 * <p>When Redis fails or times out ({@code pushgate.redis.command-timeout}), the node serves the
 * same limit from a local bucket per app (so during an outage each node allows the full rate),
 * marks what it admits that way ({@link RateDecision#servedLocally()}, counted by {@link
 * DegradedAdmissions}), logs once per transition, and reports itself degraded. While degraded it
 * tries Redis again at most once per second, never per request.
 */
public final class RedisSendRateLimiter implements SendRateLimiter, RateLimiterHealth {

  private static final Logger log = LoggerFactory.getLogger(RedisSendRateLimiter.class);
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  /** KEYS[1] bucket; ARGV rate/s, capacity, cost. Returns {allowed 0|1, retry-after ms}. */
  static final String SCRIPT =
      """
      local rate = tonumber(ARGV[1])
      local capacity = tonumber(ARGV[2])
      local cost = tonumber(ARGV[3])
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(b[1])
      local ts = tonumber(b[2])
      if tokens == nil or ts == nil then
        tokens = capacity
        ts = now
      end
      if now > ts then
        tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
        ts = now
      end
      local allowed = 0
      local wait = 0
      if tokens >= cost then
        tokens = tokens - cost
        allowed = 1
      else
        wait = math.ceil((cost - tokens) * 1000 / rate)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
      redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
      return {allowed, wait}
      """;

  private static final String SHA = sha1(SCRIPT);

  private final RedisConnection redis;
  private final String keyPrefix;
  private final LocalSendRateLimiter local = new LocalSendRateLimiter();
  private final AtomicBoolean degraded = new AtomicBoolean();
  private final AtomicLong lastFailureNanos = new AtomicLong();

  /**
   * @param keyPrefix prefix of the bucket keys, e.g. {@code "pushgate:rate:"}
   */
  public RedisSendRateLimiter(RedisConnection redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }

  @Override
  public CompletionStage<RateDecision> acquire(App app, int cost) {
    if (degraded.get() && System.nanoTime() - lastFailureNanos.get() < PROBE_INTERVAL_NANOS) {
      return CompletableFuture.completedFuture(admitLocally(app, cost));
    }
    return redis
        .commands()
        .thenCompose(commands -> run(commands, app, cost))
        .handle(
            (decision, error) -> {
              if (error == null) {
                if (degraded.compareAndSet(true, false)) {
                  log.info("Redis answers again: send rate limits are shared by all nodes again");
                }
                return decision;
              }
              lastFailureNanos.set(System.nanoTime());
              if (degraded.compareAndSet(false, true)) {
                log.warn(
                    "Redis unreachable ({}): send rate limits are now enforced per node;"
                        + " /ready reports degraded",
                    error.toString());
              }
              return admitLocally(app, cost);
            });
  }

  private CompletionStage<RateDecision> run(
      RedisAsyncCommands<String, String> commands, App app, int cost) {
    String[] keys = {keyPrefix + app.id()};
    String[] args = {
      Integer.toString(app.limits().sendRate()),
      Integer.toString(app.limits().sendBurst()),
      Integer.toString(cost)
    };
    CompletionStage<List<Long>> reply =
        commands
            .<List<Long>>evalsha(SHA, ScriptOutputType.MULTI, keys, args)
            .toCompletableFuture()
            .exceptionallyCompose(
                e -> {
                  if (unwrap(e) instanceof RedisNoScriptException) {
                    return commands
                        .<List<Long>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args)
                        .toCompletableFuture();
                  }
                  return CompletableFuture.failedFuture(e);
                });
    return reply.thenApply(
        r -> r.get(0) == 1L ? RateDecision.ALLOWED : RateDecision.refused(r.get(1)));
  }

  private RateDecision admitLocally(App app, int cost) {
    RateDecision decision = local.acquireNow(app, cost);
    return decision.allowed() ? RateDecision.ALLOWED_LOCALLY : decision;
  }

  @Override
  public boolean degraded() {
    return degraded.get();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
