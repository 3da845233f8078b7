package io.pushgate.api;

import io.pushgate.api.server.ApiListenerSettings;
import io.pushgate.testsupport.ApiTestClient;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Test helper: serves a route on a real {@link ApiServer} (127.0.0.1, ephemeral port; released with
 * the actor system) and returns a client that calls it over HTTP ({@link ApiTestClient}).
 */
final class ApiTestServer {

  private ApiTestServer() {}

  /**
   * Starts an API server for {@code routes} as the node serves them (their direct sends in front of
   * their route) and returns a client that sends {@code apiKey}.
   */
  static ApiTestClient serving(ActorSystem<?> system, ApiRoutes routes, String apiKey) {
    return serving(system, routes.route(), routes.directSends(), apiKey);
  }

  /** Starts an API server for {@code route} and {@code direct} on an ephemeral port. */
  static ApiTestClient serving(
      ActorSystem<?> system, Route route, DirectRoute direct, String apiKey) {
    try {
      ApiServer server =
          ApiServer.start(system, route, direct, localSettings(system))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new ApiTestClient("http://127.0.0.1:" + server.localAddress().getPort(), apiKey);
    } catch (Exception e) {
      throw new AssertionError("API server did not start", e);
    }
  }

  /** Serves {@code route} alone (no direct path) on an ephemeral port of 127.0.0.1; its port. */
  static int servePort(ActorSystem<?> system, Route route) {
    try {
      return ApiServer.start(system, route, DirectRoute.NONE, localSettings(system))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .localAddress()
          .getPort();
    } catch (Exception e) {
      throw new AssertionError("API server did not start", e);
    }
  }

  /** The API listener's settings on 127.0.0.1, an ephemeral port. */
  static ApiListenerSettings localSettings(ActorSystem<?> system) {
    return ApiListenerSettings.fromConfig(system.settings().config(), "127.0.0.1", 0);
  }
}
