package io.pushgate.api;

import io.pushgate.api.idempotency.IdempotencyStore;
import io.pushgate.api.ratelimit.LocalSendRateLimiter;
import io.pushgate.api.ratelimit.SendRateLimiter;
import io.pushgate.auth.ClientTokens;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.AppRegistry;
import io.pushgate.paced.PacedSends;
import io.pushgate.session.SessionSharding;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The backend API's services, built once per node and shared by its two transports: the HTTP routes
 * ({@link ApiRoutes}) and the gRPC service ({@code io.pushgate.api.grpc}) are thin adapters over
 * them, neither calls the other. So both give the same validation, limits (one {@code
 * max-concurrent-requests} for both), idempotency keys, send rate and results.
 *
 * @param calls the API's call counter, labelled by transport
 */
public record ApiServices(
    ApiSettings settings,
    ApiAuth auth,
    RequestParser parser,
    MessageService messages,
    BroadcastService broadcasts,
    TopicService topics,
    UserService users,
    DeviceService devices,
    TokenService tokens,
    IdempotentSends idempotent,
    ApiCallMeters calls) {

  /**
   * What the services are built from. {@link #of} gives a single node's defaults; the {@code
   * with...} methods replace one.
   *
   * @param idempotency where idempotency keys are kept (Redis in a cluster)
   * @param rateLimiter the apps' send rates (Redis-backed in a cluster)
   * @param paced where multicasts above the send rate wait (null: refused with 429)
   */
  public record Deps(
      ApiSettings settings,
      SessionAsks sessions,
      AppRegistry apps,
      ClientTokens tokens,
      Clock clock,
      IdempotencyStore idempotency,
      SendRateLimiter rateLimiter,
      PacedSends paced) {

    /**
     * {@code pushgate.api} settings from the system's config, asks through the session shard
     * region, the UTC clock, idempotency keys in memory, per-node rate limits, no paced queue.
     */
    public static Deps of(
        ActorSystem<?> system, SessionSharding sessions, AppRegistry apps, ClientTokens tokens) {
      ApiSettings settings = ApiSettings.fromConfig(system.settings().config());
      return new Deps(
          settings,
          new ShardedSessionAsks(sessions, settings.askTimeout()),
          apps,
          tokens,
          Clock.systemUTC(),
          ApiRoutes.localIdempotency(system),
          new LocalSendRateLimiter(),
          null);
    }

    public Deps withIdempotency(IdempotencyStore idempotency) {
      return new Deps(settings, sessions, apps, tokens, clock, idempotency, rateLimiter, paced);
    }

    public Deps withRateLimiter(SendRateLimiter rateLimiter) {
      return new Deps(settings, sessions, apps, tokens, clock, idempotency, rateLimiter, paced);
    }

    public Deps withPaced(PacedSends paced) {
      return new Deps(settings, sessions, apps, tokens, clock, idempotency, rateLimiter, paced);
    }
  }

  /** Builds the services; call once per node, so that both transports share their limits. */
  public static ApiServices create(ActorSystem<?> system, Deps deps) {
    ApiSettings settings = deps.settings();
    ConcurrencyLimit limit =
        new ConcurrencyLimit(
            settings.maxConcurrentRequests(),
            settings.maxQueuedRequests(),
            settings.maxQueueWait());
    RequestParser parser = new RequestParser(settings);
    PushgateMeters meters = PushgateMeters.get(system);
    return new ApiServices(
        settings,
        new ApiAuth(deps.apps()),
        parser,
        new MessageService(
            settings,
            deps.sessions(),
            limit,
            deps.clock(),
            deps.rateLimiter(),
            deps.paced(),
            meters.messages()),
        new BroadcastService(system, parser, settings.askTimeout(), deps.clock()),
        new TopicService(system, parser, deps.sessions(), settings.askTimeout(), deps.clock()),
        new UserService(deps.sessions(), limit),
        new DeviceService(deps.sessions(), limit, deps.clock()),
        new TokenService(settings, deps.tokens()),
        new IdempotentSends(deps.idempotency()),
        new ApiCallMeters(meters.registry()));
  }
}
