package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend API's own listener: Pekko HTTP's server on {@code pushgate.api.host:port} (default
 * {@code 0.0.0.0:8081}), separate from the client port so operators can keep it internal.
 *
 * <p>Its Pekko HTTP server settings are {@code pekko.http.server} overlaid with
 * {@code pushgate.api.http} (any {@code pekko.http.server} key may be set there and applies to
 * this port only): at most {@code max-connections} connections, request bodies of at most
 * {@code parsing.max-content-length} (413), a response within {@code request-timeout} (else 503
 * {@code unavailable}), idle connections closed after {@code idle-timeout}. Every error, including
 * requests too malformed to route ({@link ProblemParsingErrorHandler}), is
 * {@code application/problem+json}.
 */
public final class ApiServer {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ServerBinding binding;

  private ApiServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the API port and serves {@code route} (sealed here) until {@link #stop}.
   *
   * @return completes once bound; fails if the port cannot be bound
   */
  public static CompletionStage<ApiServer> start(ActorSystem<?> system, Route route) {
    Config config = system.settings().config();
    return start(system, route, config.getString("pushgate.api.host"), config.getInt("pushgate.api.port"));
  }

  /** As {@link #start(ActorSystem, Route)} on an explicit interface and port (0: ephemeral). */
  public static CompletionStage<ApiServer> start(ActorSystem<?> system, Route route, String host, int port) {
    Config config = system.settings().config();
    Route served =
        withRequestTimeoutResponse(
            request -> ApiResponses.problem(ErrorCode.UNAVAILABLE, "the request was not answered within pushgate.api.http.request-timeout"),
            () -> ApiErrorHandlers.problemsOnly(route));
    return Http.get(system)
        .newServerAt(host, port)
        .withSettings(serverSettings(config))
        .bind(served.seal())
        .thenApply(
            binding -> {
              log.info("API listening on {}", binding.localAddress());
              return new ApiServer(binding);
            });
  }

  /** {@code pekko.http.server} with {@code pushgate.api.http} on top. */
  static ServerSettings serverSettings(Config config) {
    Config overlay = config.getConfig("pushgate.api.http").atPath("pekko.http.server");
    return ServerSettings.create(overlay.withFallback(config));
  }

  /** The bound address (the actual port when configured with port 0). */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /**
   * Stops accepting, lets requests in progress finish for up to {@code deadline} (later ones get
   * 503), then closes every connection.
   */
  public CompletionStage<Done> stop(Duration deadline) {
    return binding.terminate(deadline).thenApply(terminated -> Done.getInstance());
  }
}
