package io.pushgate.node;

import com.typesafe.config.Config;
import io.pushgate.api.ApiServices;
import io.pushgate.api.idempotency.IdempotencySettings;
import io.pushgate.api.idempotency.RedisIdempotencyStore;
import io.pushgate.api.ratelimit.DegradedAdmissions;
import io.pushgate.api.ratelimit.LeasingSendRateLimiter;
import io.pushgate.api.ratelimit.LocalSendRateLimiter;
import io.pushgate.api.ratelimit.RateDecision;
import io.pushgate.api.ratelimit.RedisSendRateLimiter;
import io.pushgate.api.ratelimit.SendRateLimiter;
import io.pushgate.auth.ClientTokens;
import io.pushgate.concurrent.Continuations;
import io.pushgate.model.AppRegistry;
import io.pushgate.node.health.DegradedComponents;
import io.pushgate.node.metrics.NodeMetrics;
import io.pushgate.paced.PacedSends;
import io.pushgate.paced.RateGate;
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
 * The node's API services, assembled with what all nodes share: send rate limits and idempotency
 * keys in Redis ({@code pushgate.redis}), or per node when Redis is disabled; and the apps' shared
 * send rate as a {@link RateGate} for the gateway's live fan-out. A Redis outage degrades rate
 * limits to per-node ones, reported on {@code /ready} as {@code redis-rate-limits}. Nodes lease
 * rate-limit tokens in advance ({@link LeasingSendRateLimiter}), so Redis sees about one call per
 * lease, not one per send.
 */
record ApiAssembly(ApiServices services, RateGate rate) {

  private static final Logger log = LoggerFactory.getLogger(ApiAssembly.class);

  /**
   * Assembles the API's services (both API transports serve them) and the apps' shared send rate;
   * with Redis enabled, also its connection (closed at shutdown), metric and health entry.
   */
  static ApiAssembly create(
      ActorSystem<?> system, SessionSharding sessions, AppRegistry apps, ClientTokens tokens) {
    RedisSettings redis = RedisSettings.fromConfig(system.settings().config());
    if (!redis.enabled()) {
      log.info("Redis disabled: send rate limits and idempotency keys are kept per node");
      SendRateLimiter local = new LocalSendRateLimiter();
      RateGate gate = gate(apps, local);
      return new ApiAssembly(
          ApiServices.create(
              system,
              ApiServices.Deps.of(system, sessions, apps, tokens)
                  .withRateLimiter(local)
                  .withPaced(pacedSends(system, sessions, apps, gate))),
          gate);
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
    SendRateLimiter leasing =
        LeasingSendRateLimiter.fromConfig(limiter, system.settings().config());
    DegradedAdmissions admissions = new DegradedAdmissions(leasing);
    NodeMetrics.get(system)
        .upGauge(
            "pushgate_redis_up",
            "1 while Redis serves the shared send rate limits",
            () -> !limiter.degraded());
    DegradedComponents.get(system)
        .register(
            "redis-rate-limits",
            () ->
                limiter.degraded()
                    ? Optional.of(
                        Map.<String, Object>of(
                            "reason",
                            "Redis unreachable; send rate limits enforced per node",
                            "admittedWhileDegraded",
                            admissions.admittedWhileDegraded()))
                    : Optional.empty());
    RateGate gate = gate(apps, leasing);
    return new ApiAssembly(
        ApiServices.create(
            system,
            ApiServices.Deps.of(system, sessions, apps, tokens)
                .withIdempotency(
                    new RedisIdempotencyStore(
                        connection,
                        "pushgate:idem:",
                        idempotency.retention(),
                        idempotency.inFlightTimeout()))
                .withRateLimiter(admissions)
                .withPaced(pacedSends(system, sessions, apps, gate))),
        gate);
  }

  /** The apps' shared send rate as a gate: the same limiter as direct sends. */
  private static RateGate gate(AppRegistry apps, SendRateLimiter limiter) {
    return (app, n) ->
        apps.find(app)
            .map(
                a ->
                    limiter
                        .acquire(a, n)
                        .thenApplyAsync(RateDecision::allowed, Continuations.SAME_THREAD))
            .orElse(CompletableFuture.completedFuture(false));
  }

  /** The paced send queues, draining through the apps' shared send rate. */
  private static PacedSends pacedSends(
      ActorSystem<?> system, SessionSharding sessions, AppRegistry apps, RateGate gate) {
    Config config = system.settings().config();
    return PacedSends.init(
        system,
        sessions,
        apps,
        gate,
        config.getLong("pushgate.api.paced.max-queued-recipients"),
        config.getDuration("pushgate.api.ask-timeout"));
  }
}
