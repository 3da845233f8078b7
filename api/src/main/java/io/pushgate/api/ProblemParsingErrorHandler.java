package io.pushgate.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests that Pekko HTTP cannot parse far enough to route (bad request line, header
 * too long, {@code Content-Length} above the limit, unsupported {@code Expect}) with the same
 * problem+json as every other API error: the most general {@link ErrorCode} for the status, the
 * parser's one-line summary as the detail. Configured as
 * {@code pushgate.api.http.parsing.error-handler}; Pekko creates it with its no-argument
 * constructor. Logs at debug only: a malformed request is the client's error, not the node's.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    if (log.isDebugEnabled()) log.debug("unparsable API request: {}", info.formatPretty());
    String summary = info.summary();
    String detail = summary == null || summary.isBlank() ? "the request could not be parsed" : summary;
    return ApiResponses.problem(ErrorCode.forStatus(status.intValue()), status.intValue(), detail);
  }
}
