package io.pushgate.node.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pushgate.api.ErrorCode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The console's way to the documented backend API (docs/api.md): {@code /console/api/v1/...} on the
 * management port is forwarded to {@code /v1/...} on this node's API listener, so the page calls
 * the API from its own origin. The browser's {@code Authorization} header carries the operator's
 * Basic credential for the management port; the app's credential travels in {@code
 * X-Pushgate-Authorization} and is forwarded as {@code Authorization}. Nothing else is forwarded
 * but the method, path, query and body; only paths under {@code /v1/} are.
 */
final class ApiProxy {

  static final String APP_AUTHORIZATION = "X-Pushgate-Authorization";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private final ActorSystem<?> system;

  ApiProxy(ActorSystem<?> system) {
    this.system = system;
  }

  /** Forwards {@code request}, whose path after {@code /console/api} is {@code path}. */
  CompletionStage<HttpResponse> forward(HttpRequest request, String path) {
    Optional<InetSocketAddress> api = LocalApi.get(system).address();
    if (api.isEmpty()) {
      return CompletableFuture.completedFuture(
          problem(
              503,
              "no_api",
              "this node serves no backend API (not a gateway, or not started yet)"));
    }
    if (!path.startsWith("/v1/")) {
      return CompletableFuture.completedFuture(
          problem(404, "not_found", "only the API's /v1/ paths are forwarded"));
    }
    String query = request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
    List<HttpHeader> headers = new ArrayList<>(1);
    request
        .getHeader(APP_AUTHORIZATION)
        .ifPresent(h -> headers.add(RawHeader.create("Authorization", h.value())));
    HttpRequest out =
        HttpRequest.create(
                "http://" + api.get().getHostString() + ":" + api.get().getPort() + path + query)
            .withMethod(request.method())
            .withEntity(request.entity())
            .addHeaders(headers);
    return Http.get(system).singleRequest(out);
  }

  /**
   * A console problem in the API's shape (docs/api.md, Errors): type, title, status, detail, code.
   */
  static HttpResponse problem(int status, String code, String detail) {
    ObjectNode body =
        JSON.createObjectNode()
            .put("type", ErrorCode.TYPE_BASE + code)
            .put("title", code.replace('_', ' '))
            .put("status", status)
            .put("detail", detail)
            .put("code", code);
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(
            HttpEntities.create(PROBLEM_JSON, body.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
