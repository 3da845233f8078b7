package io.pushgate.node;

import io.pushgate.api.ApiRoutes;
import io.pushgate.api.idempotency.IdempotencySettings;
import io.pushgate.api.idempotency.RedisIdempotencyStore;
import io.pushgate.api.ratelimit.LeasingSendRateLimiter;
import io.pushgate.api.ratelimit.RedisSendRateLimiter;
import io.pushgate.gateway.auth.ClientTokens;
import io.pushgate.model.AppRegistry;
import io.pushgate.node.health.DegradedComponents;
import io.pushgate.persistence.redis.RedisConnection;
import io.pushgate.persistence.redis.RedisSettings;
import io.pushgate.session.SessionSharding;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API with what must be shared by all nodes: send rate limits and idempotency keys in Redis
 * ({@code pushgate.redis}), or per node when Redis is disabled. A Redis outage degrades rate
 * limits to per-node ones, reported on {@code /ready} as {@code redis-rate-limits}. Nodes lease
 * rate-limit tokens in advance ({@link LeasingSendRateLimiter}), so Redis sees about one call per
 * lease, not one per send.
 */
final class SharedLimits {

  private static final Logger log = LoggerFactory.getLogger(SharedLimits.class);

  private SharedLimits() {}

  static ApiRoutes apiRoutes(ActorSystem<?> system, SessionSharding sessions, AppRegistry apps, ClientTokens tokens) {
    RedisSettings redis = RedisSettings.fromConfig(system.settings().config());
    if (!redis.enabled()) {
      log.info("Redis disabled: send rate limits and idempotency keys are kept per node");
      return new ApiRoutes(system, sessions, apps, tokens);
    }
    RedisConnection connection = new RedisConnection(redis);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "pushgate-redis-close",
            () -> {
              connection.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    IdempotencySettings idempotency = IdempotencySettings.fromConfig(system.settings().config());
    RedisSendRateLimiter limiter = new RedisSendRateLimiter(connection, "pushgate:rate:");
    DegradedComponents.get(system)
        .register(
            "redis-rate-limits",
            () ->
                limiter.degraded()
                    ? Optional.of(
                        Map.<String, Object>of(
                            "reason", "Redis unreachable; send rate limits enforced per node",
                            "admittedWhileDegraded", limiter.admittedWhileDegraded()))
                    : Optional.empty());
    return new ApiRoutes(
        system,
        sessions,
        apps,
        tokens,
        new RedisIdempotencyStore(
            connection, "pushgate:idem:", idempotency.retention(), idempotency.inFlightTimeout()),
        LeasingSendRateLimiter.fromConfig(limiter, system.settings().config()));
  }
}
