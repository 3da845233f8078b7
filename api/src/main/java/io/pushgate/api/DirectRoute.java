package io.pushgate.api;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A request handler tried before the routing DSL ({@link ApiServer}): for the endpoints backends
 * call at high rates, matched by hand, so the common request skips building a route tree per
 * request (12 µs of a 100 µs send, docs/benchmarks.md). It takes only requests it can answer
 * exactly as the route would, and leaves every other one (null) to the route, which also owns every
 * answer that depends on routing (404, 405 with {@code Allow}, encoded paths, ...).
 */
@FunctionalInterface
public interface DirectRoute {

  /** Takes no request. */
  DirectRoute NONE = request -> null;

  /** The answer to {@code request}, or null to leave it to the route. Must not throw. */
  CompletionStage<HttpResponse> handle(HttpRequest request);
}
