package io.pushgate.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests that Pekko HTTP cannot parse far enough to route (bad request line, header too
 * long, {@code Content-Length} above the limit, unsupported {@code Expect}) with the same
 * problem+json as every other API error: the {@link ErrorCode} for the status (414 {@code
 * uri_too_long}, 431 {@code headers_too_large}, 501 {@code method_not_implemented} with {@code
 * Allow}, 505 {@code http_version_not_supported}, else {@code bad_request}), the parser's one-line
 * summary as the detail. Configured as {@code pushgate.api.http.parsing.error-handler}; Pekko
 * creates it with its no-argument constructor. Logs at debug only: a malformed request is the
 * client's error, not the node's.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {

  /** Every method some API endpoint serves (HEAD: GET's answer without a body). */
  private static final HttpHeader ALLOW = RawHeader.create("Allow", "DELETE, GET, HEAD, POST, PUT");

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    if (log.isDebugEnabled()) log.debug("unparsable API request: {}", info.formatPretty());
    String summary = info.summary();
    String detail =
        summary == null || summary.isBlank() ? "the request could not be parsed" : summary;
    ErrorCode code = ErrorCode.forStatus(status.intValue());
    HttpResponse response = ApiResponses.problem(code, status.intValue(), detail);
    return code == ErrorCode.METHOD_NOT_IMPLEMENTED ? response.addHeader(ALLOW) : response;
  }
}
