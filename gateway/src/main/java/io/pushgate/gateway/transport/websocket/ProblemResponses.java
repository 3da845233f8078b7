package io.pushgate.gateway.transport.websocket;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's own HTTP error responses, as {@code application/problem+json} (RFC 9457) in the
 * same shape as the API's: {@code {"type","title","status","detail","code"}}, type {@code
 * https://pushgate.dev/problems/<code>}.
 */
public final class ProblemResponses {

  /** Problem content type. */
  public static final String CONTENT_TYPE = "application/problem+json";

  private static final String TYPE_BASE = "https://pushgate.dev/problems/";

  private ProblemResponses() {}

  /** 404 not_found. */
  public static FullHttpResponse notFound(String detail) {
    return problem(HttpResponseStatus.NOT_FOUND, "not_found", "Not found", detail);
  }

  /** 400 bad_request. */
  public static FullHttpResponse badRequest(String detail) {
    return problem(HttpResponseStatus.BAD_REQUEST, "bad_request", "Bad request", detail);
  }

  /** 413 payload_too_large. */
  public static FullHttpResponse payloadTooLarge(long maxBytes) {
    return problem(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "payload_too_large",
        "Payload too large",
        "request body larger than " + maxBytes + " bytes");
  }

  /** 408 request_timeout: the client took too long to send its request. */
  public static FullHttpResponse requestTimeout(String detail) {
    return problem(
        HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", "Request timeout", detail);
  }

  /** 417 expectation_failed: an {@code Expect} header the server cannot meet. */
  public static FullHttpResponse expectationFailed(String detail) {
    return problem(
        HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed", "Expectation failed", detail);
  }

  /** 503 overloaded, with Retry-After. */
  public static FullHttpResponse overloaded(String detail, int retryAfterSeconds) {
    FullHttpResponse r =
        problem(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", "Overloaded", detail);
    r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    return r;
  }

  /** 403 forbidden. */
  public static FullHttpResponse forbidden(String detail) {
    return problem(HttpResponseStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
  }

  /** 429 with a stable code and Retry-After. */
  public static FullHttpResponse tooManyRequests(
      String code, String detail, int retryAfterSeconds) {
    FullHttpResponse r =
        problem(HttpResponseStatus.TOO_MANY_REQUESTS, code, "Too many requests", detail);
    r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    return r;
  }

  /** 503 unavailable. */
  public static FullHttpResponse unavailable(String detail) {
    return problem(
        HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", detail);
  }

  /** 500 internal_error. */
  public static FullHttpResponse internalError() {
    return problem(
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        "internal_error",
        "Internal server error",
        "unexpected server error");
  }

  static FullHttpResponse problem(
      HttpResponseStatus status, String code, String title, String detail) {
    String json =
        "{\"type\":\""
            + TYPE_BASE
            + code
            + "\",\"title\":"
            + quote(title)
            + ",\"status\":"
            + status.code()
            + ",\"detail\":"
            + quote(detail)
            + ",\"code\":\""
            + code
            + "\"}";
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
