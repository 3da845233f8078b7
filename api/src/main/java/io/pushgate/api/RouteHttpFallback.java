package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.gateway.http.HttpFallback;
import io.pushgate.gateway.http.SimpleHttpRequest;
import io.pushgate.gateway.http.SimpleHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntityAcceptances;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a Pekko HTTP {@link Route} behind the gateway's Netty server: converts each
 * {@link SimpleHttpRequest} to a Pekko {@link HttpRequest} (Content-Type goes into the entity),
 * runs the sealed route and converts the response back, its entity made strict within
 * {@code pushgate.api.response-timeout}. Never blocks; the returned stage always completes with
 * a response (failures become problem+json responses, see {@link ErrorCode}).
 */
public final class RouteHttpFallback implements HttpFallback {

  private static final Logger log = LoggerFactory.getLogger(RouteHttpFallback.class);

  private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;
  private final Materializer materializer;
  private final long responseTimeoutMillis;

  public RouteHttpFallback(ActorSystem<?> system, Route route) {
    this.handler = route.seal().handler(system);
    this.materializer = Materializer.matFromSystem(system);
    this.responseTimeoutMillis =
        ApiSettings.fromConfig(system.settings().config()).responseTimeout().toMillis();
  }

  @Override
  public CompletionStage<SimpleHttpResponse> handle(SimpleHttpRequest request) {
    HttpRequest pekkoRequest;
    try {
      pekkoRequest = toPekko(request);
    } catch (RuntimeException e) {
      return completed(ApiResponses.problem(ErrorCode.BAD_REQUEST, "the request could not be parsed: " + e.getMessage()));
    }
    CompletionStage<HttpResponse> response;
    try {
      response = handler.apply(pekkoRequest);
    } catch (Exception e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response
        .thenComposeAsync(
            r ->
                r.entity()
                    .toStrict(responseTimeoutMillis, materializer)
                    .thenApplyAsync(strict -> toSimple(r, strict), SAME_THREAD),
            SAME_THREAD)
        .exceptionallyAsync(
            error -> {
              log.error("API route failed for {} {}", request.method(), path(request.uri()), error);
              HttpResponse problem =
                  ApiResponses.problem(ErrorCode.INTERNAL_ERROR, "the request could not be completed");
              return toSimple(problem, (HttpEntity.Strict) problem.entity());
            },
            SAME_THREAD);
  }

  private static HttpRequest toPekko(SimpleHttpRequest request) {
    ContentType contentType = null;
    List<HttpHeader> headers = new ArrayList<>(request.headers().size());
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey();
      String value = header.getValue() == null ? "" : header.getValue();
      switch (name.toLowerCase(Locale.ROOT)) {
        case "content-type" -> contentType = parseContentType(value);
        case "content-length", "transfer-encoding" -> { } // the body is complete; Pekko derives these
        default -> headers.add(parseHeader(name, value));
      }
    }
    byte[] body = request.body() == null ? new byte[0] : request.body();
    HttpRequest result =
        HttpRequest.create()
            .withMethod(method(request.method()))
            .withUri(Uri.create(request.uri()))
            .addHeaders(headers);
    if (contentType != null) {
      return result.withEntity(HttpEntities.create(contentType, body));
    }
    // like Pekko's own server: a body without Content-Type is application/octet-stream
    return body.length == 0 ? result : result.withEntity(HttpEntities.create(body));
  }

  private static HttpMethod method(String name) {
    return HttpMethods.lookup(name)
        .orElseGet(() -> HttpMethods.custom(name, false, false, RequestEntityAcceptances.Tolerated));
  }

  private static ContentType parseContentType(String value) {
    try {
      return ContentTypes.parse(value);
    } catch (RuntimeException e) {
      return ContentTypes.APPLICATION_OCTET_STREAM; // unparsable: the API answers 415 for JSON endpoints
    }
  }

  private static HttpHeader parseHeader(String name, String value) {
    try {
      return HttpHeader.parse(name, value);
    } catch (RuntimeException e) {
      return RawHeader.create(name, value);
    }
  }

  private static SimpleHttpResponse toSimple(HttpResponse response, HttpEntity.Strict entity) {
    if (response.status().intValue() >= 400 && !ApiResponses.isProblem(response)) {
      HttpResponse problem = ApiResponses.asProblem(response.withEntity(entity));
      return toSimple(problem, (HttpEntity.Strict) problem.entity());
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (HttpHeader header : response.getHeaders()) {
      headers.add(Map.entry(header.name(), header.value()));
    }
    byte[] body = entity.getData().toArray();
    ContentType contentType = entity.getContentType();
    String type =
        body.length == 0 && contentType.equals(ContentTypes.NO_CONTENT_TYPE) ? null : contentType.toString();
    return new SimpleHttpResponse(response.status().intValue(), type, List.copyOf(headers), body);
  }

  private static CompletionStage<SimpleHttpResponse> completed(HttpResponse response) {
    return CompletableFuture.completedFuture(toSimple(response, (HttpEntity.Strict) response.entity()));
  }

  /** The path of a request URI without its query (queries may carry secrets; never logged). */
  private static String path(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }
}
