package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * The API's rejection and exception handlers: every failure becomes an {@code
 * application/problem+json} response with a stable code. Rejections without a dedicated case fall
 * back to Pekko's default handler, whose text/plain responses are rewritten as problems by {@link
 * ApiResponses#asProblem}.
 */
final class ApiErrorHandlers {

  private ApiErrorHandlers() {}

  /**
   * {@code route} with these handlers, and every other error response (status 400 or more)
   * rewritten as a problem: whatever a route produces, callers see problem+json.
   */
  static Route problemsOnly(Route route) {
    // the handlers and the inner routes are built once: the Java DSL calls these suppliers on
    // every request, and building a rejection handler there cost 4 % of the node's allocations
    Route withRejections = handleRejections(REJECTIONS, () -> route);
    Route withHandlers = handleExceptions(EXCEPTIONS, () -> withRejections);
    return mapResponse(
        response ->
            response.status().intValue() >= 400 ? ApiResponses.asProblem(response) : response,
        () -> withHandlers);
  }

  private static final RejectionHandler REJECTIONS = buildRejectionHandler();
  private static final ExceptionHandler EXCEPTIONS = buildExceptionHandler();

  /** The API's rejection handler (one instance, shared). */
  static RejectionHandler rejectionHandler() {
    return REJECTIONS;
  }

  /** The API's exception handler (one instance, shared). */
  static ExceptionHandler exceptionHandler() {
    return EXCEPTIONS;
  }

  private static RejectionHandler buildRejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, ApiErrorHandlers::methodNotAllowed)
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r ->
                complete(
                    ApiResponses.problem(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "the request body must be application/json")))
        .handle(
            MalformedRequestContentRejection.class,
            r ->
                complete(
                    r.getCause() instanceof EntityStreamSizeException
                        ? tooLarge()
                        : ApiResponses.problem(
                            ErrorCode.MALFORMED_JSON, "the request body could not be read")))
        .handleNotFound(complete(ApiResponses.noRoute()))
        .build()
        .withFallback(
            RejectionHandler.defaultHandler().mapRejectionResponse(ApiResponses::asProblem));
  }

  private static ExceptionHandler buildExceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(ApiProblem.class, p -> complete(ApiResponses.problem(p)))
        .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
        .matchAny(
            e -> {
              return complete(ApiResponses.failure(e));
            })
        .build();
  }

  private static HttpResponse tooLarge() {
    return ApiResponses.problem(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than pushgate.api.http.parsing.max-content-length");
  }

  private static Route methodNotAllowed(List<MethodRejection> rejections) {
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
