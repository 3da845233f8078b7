package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * The API's rejection and exception handlers: every failure becomes an
 * {@code application/problem+json} response with a stable code. Rejections without a dedicated
 * case fall back to Pekko's default handler, whose text/plain responses are rewritten as
 * problems by {@link ApiResponses#asProblem}.
 */
final class ApiErrorHandlers {

  private ApiErrorHandlers() {}

  static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, ApiErrorHandlers::methodNotAllowed)
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r -> complete(ApiResponses.problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json")))
        .handle(
            MalformedRequestContentRejection.class,
            r -> complete(ApiResponses.problem(ErrorCode.MALFORMED_JSON, "the request body could not be read")))
        .handleNotFound(complete(ApiResponses.noRoute()))
        .build()
        .withFallback(RejectionHandler.defaultHandler().mapRejectionResponse(ApiResponses::asProblem));
  }

  static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(ApiProblem.class, p -> complete(ApiResponses.problem(p)))
        .match(
            EntityStreamSizeException.class,
            e -> complete(ApiResponses.problem(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large")))
        .matchAny(
            e -> {
              return complete(ApiResponses.failure(e));
            })
        .build();
  }

  private static org.apache.pekko.http.javadsl.server.Route methodNotAllowed(List<MethodRejection> rejections) {
    String allow =
        rejections.stream()
            .map(r -> r.supported().name())
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    return complete(
        ApiResponses.problem(ErrorCode.METHOD_NOT_ALLOWED, "this endpoint supports " + allow)
            .addHeader(RawHeader.create("Allow", allow)));
  }
}
