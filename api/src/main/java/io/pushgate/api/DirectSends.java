package io.pushgate.api;

import io.pushgate.model.App;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * {@code POST /v1/apps/{app}/messages} and {@code .../messages:batch} as a {@link DirectRoute}:
 * the same authentication, checks and services as {@link ApiRoutes}, for requests whose body came
 * whole with the head as JSON and whose path needs no decoding (what backends send). Anything
 * else is left to the route.
 */
final class DirectSends implements DirectRoute {

  private static final String PREFIX = "/v1/apps/";
  private static final String MESSAGES = "/messages";
  private static final String BATCH = "/messages:batch";

  /** The send to run for an authenticated app: idempotency key, body. */
  interface Send {
    CompletionStage<HttpResponse> run(App app, Optional<String> idempotencyKey, byte[] body);
  }

  private final ApiAuth auth;
  private final Send send;
  private final Send sendBatch;

  DirectSends(ApiAuth auth, Send send, Send sendBatch) {
    this.auth = auth;
    this.send = send;
    this.sendBatch = sendBatch;
  }

  @Override
  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    if (request.method() != HttpMethods.POST) return null;
    if (!(request.entity() instanceof HttpEntity.Strict strict) || !ApiRoutes.isJson(strict.getContentType().mediaType())) return null;
    String path = request.getUri().path();
    if (!path.startsWith(PREFIX) || path.indexOf('%') >= 0) return null;
    if (path.endsWith(MESSAGES)) return handle(request, strict, path, MESSAGES, send);
    if (path.endsWith(BATCH)) return handle(request, strict, path, BATCH, sendBatch);
    return null;
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request, HttpEntity.Strict body, String path, String suffix, Send target) {
    String appId = path.substring(PREFIX.length(), path.length() - suffix.length());
    if (appId.isEmpty() || appId.indexOf('/') >= 0) return null;
    try {
      App app = auth.authenticate(appId, header(request, "Authorization"));
      return target.run(app, header(request, IdempotentSends.HEADER), body.getData().toArray());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiResponses.failure(e));
    }
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }
}
