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
import org.apache.pekko.http.scaladsl.model.Uri;

/**
 * {@code POST /v1/apps/{app}/messages} and {@code .../messages:batch} as a {@link DirectRoute}: the
 * same authentication, checks and services as {@link ApiRoutes}, for requests whose body came whole
 * with the head as JSON (what backends send). Anything else is left to the route.
 */
final class DirectSends implements DirectRoute {

  private static final String MESSAGES = "messages";
  private static final String BATCH = "messages:batch";

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
    if (!(request.entity() instanceof HttpEntity.Strict strict)
        || !ApiRoutes.isJson(strict.getContentType().mediaType())) return null;
    // walks the parsed path ("/v1/apps/{app}/{last}": slash, segment, four times) instead of
    // rendering it back into a string (a copy per request)
    Uri.Path path = ((org.apache.pekko.http.scaladsl.model.HttpRequest) request).uri().path();
    if (path.length() != 8) return null;
    path = path.tail();
    if (!"v1".equals(path.head())) return null;
    path = path.tail().tail();
    if (!"apps".equals(path.head())) return null;
    path = path.tail().tail();
    if (!(path.head() instanceof String appId) || appId.isEmpty())
      return null; // "/v1/apps//x/": a slash
    Object last = path.tail().tail().head();
    if (MESSAGES.equals(last)) return handle(request, strict, appId, send);
    if (BATCH.equals(last)) return handle(request, strict, appId, sendBatch);
    return null;
  }

  private CompletionStage<HttpResponse> handle(
      HttpRequest request, HttpEntity.Strict body, String appId, Send target) {
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
