package io.pushgate.api;

import io.pushgate.api.server.ApiListener;
import io.pushgate.api.server.ApiListenerSettings;
import io.pushgate.api.server.ListenerAnswers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend API's own listener on {@code pushgate.api.host:port} (default {@code 0.0.0.0:8081}),
 * separate from the client port so operators can keep it internal.
 *
 * <p>Its Pekko HTTP server settings are {@code pekko.http.server} overlaid with {@code
 * pushgate.api.http} (any {@code pekko.http.server} key may be set there and applies to this port
 * only). How it takes bursts and bad clients ({@link ApiListener}): an accept queue of {@code
 * backlog}, {@code max-connections} served and past them 503 {@code overloaded} with {@code
 * Retry-After}; a request head within {@code request-read-timeout} of its first byte (else 408
 * {@code request_timeout}); a connection that does not start with an HTTP request gets 400; request
 * bodies of at most {@code parsing.max-content-length} (413); a response within {@code
 * request-timeout} (else 503 {@code unavailable}); idle connections closed after {@code
 * idle-timeout}. Every error, including requests too malformed to route ({@link
 * ProblemParsingErrorHandler}), is {@code application/problem+json} (docs/api.md).
 *
 * <p>Each request goes to a {@link DirectRoute} first (the send endpoints, matched by hand), then
 * to the routing DSL.
 */
public final class ApiServer {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ApiListener listener;

  private ApiServer(ApiListener listener) {
    this.listener = listener;
  }

  /**
   * Binds the API port ({@code pushgate.api}) and serves each request with {@code direct} or, when
   * it leaves the request, {@code route} (sealed here), until {@link #stop}.
   *
   * @return completes once bound; fails if the port cannot be bound
   */
  public static CompletionStage<ApiServer> start(
      ActorSystem<?> system, Route route, DirectRoute direct) {
    return start(system, route, direct, ApiListenerSettings.fromConfig(system.settings().config()));
  }

  /** As {@link #start(ActorSystem, Route, DirectRoute)} with explicit listener settings (tests). */
  static CompletionStage<ApiServer> start(
      ActorSystem<?> system, Route route, DirectRoute direct, ApiListenerSettings settings) {
    Function<HttpRequest, CompletionStage<HttpResponse>> routed =
        ApiErrorHandlers.problemsOnly(route).handler(system);
    Function<HttpRequest, CompletionStage<HttpResponse>> served =
        request -> {
          CompletionStage<HttpResponse> answer = direct.handle(request);
          return answer != null ? answer : routed.apply(request);
        };
    return ApiListener.bind(system, settings, answers(settings), served)
        .thenApply(
            listener -> {
              log.info("API listening on {}", listener.localAddress());
              return new ApiServer(listener);
            });
  }

  private static ListenerAnswers answers(ApiListenerSettings settings) {
    return new ListenerAnswers(
        ApiResponses.problem(
            ErrorCode.REQUEST_TIMEOUT,
            "the request head did not arrive within pushgate.api.http.request-read-timeout ("
                + settings.requestReadTimeout().toMillis()
                + " ms)"),
        ApiResponses.problem(
            ErrorCode.BAD_REQUEST, "the connection did not start with an HTTP/1.1 request"),
        ApiResponses.problem(
                ErrorCode.OVERLOADED,
                "this node serves its maximum of "
                    + settings.maxConnections()
                    + " API connections (pushgate.api.http.max-connections); retry shortly")
            .addHeader(Connection.create("close")),
        ApiResponses.problem(
                ErrorCode.OVERLOADED, "this node is stopping; retry, another node will answer")
            .addHeader(Connection.create("close")),
        ApiResponses.problem(
            ErrorCode.UNAVAILABLE,
            "the request was not answered within pushgate.api.http.request-timeout"));
  }

  /** The bound address (the actual port when configured with port 0). */
  public InetSocketAddress localAddress() {
    return listener.localAddress();
  }

  /**
   * Stops accepting, lets requests in progress finish for up to {@code deadline} (later ones get
   * 503), then closes every connection.
   */
  public CompletionStage<Done> stop(Duration deadline) {
    return listener.stop(deadline);
  }
}
