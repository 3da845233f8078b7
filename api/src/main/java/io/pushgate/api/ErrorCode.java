package io.pushgate.api;

import java.util.Locale;

/**
 * The one table of stable API error codes and the HTTP status each maps to. The code (lower case,
 * e.g. {@code invalid_ttl}) is part of the public API contract (docs/api.md): clients switch on it,
 * so codes are never renamed or reused; new ones may be added.
 */
public enum ErrorCode {
  /** The request body is not valid JSON (or empty where JSON is required). */
  MALFORMED_JSON(400, "Malformed JSON"),
  /** A field is missing, of the wrong type, or unknown; the problem names the field. */
  INVALID_FIELD(400, "Invalid field"),
  /** A user id does not match the documented pattern. */
  INVALID_USER(400, "Invalid user id"),
  INVALID_COLLAPSE_KEY(400, "Invalid collapse key"),
  INVALID_IDEMPOTENCY_KEY(400, "Invalid idempotency key"),
  /** The Idempotency-Key was used before with another request body. */
  IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
  /** A request with the same Idempotency-Key is still being processed. */
  IDEMPOTENCY_IN_PROGRESS(409, "Idempotent request in progress"),
  /** The app sends faster than its send rate; sent with Retry-After. */
  RATE_LIMITED(429, "Rate limited"),
  /** The shared idempotency store (Redis) cannot be reached; nothing was done. */
  IDEMPOTENCY_UNAVAILABLE(503, "Idempotency store unavailable"),
  /** A ttl is not a whole number of seconds within the allowed range. */
  INVALID_TTL(400, "Invalid ttl"),
  /** qos is not 0 or 1. */
  INVALID_QOS(400, "Invalid qos"),
  /**
   * More entries in "to" than {@code pushgate.api.max-recipients} (for a batch: in all its messages
   * together).
   */
  TOO_MANY_RECIPIENTS(400, "Too many recipients"),
  /** A batch send with more messages than {@code pushgate.api.max-batch-messages}, or none. */
  TOO_MANY_MESSAGES(400, "Too many messages"),
  /** A message without "data" (or with data null). */
  MISSING_DATA(400, "Missing data"),
  /**
   * Any other malformed request (e.g. an unparsable URI or header, a connection that does not start
   * with an HTTP request).
   */
  BAD_REQUEST(400, "Bad request"),
  /** The request target is longer than {@code pushgate.api.http.parsing.max-uri-length}. */
  URI_TOO_LONG(414, "URI too long"),
  /** A header, or the header section, is over its limit ({@code parsing.max-header-*}). */
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  /** A method HTTP does not define (e.g. {@code BREW}). Sent with {@code Allow}. */
  METHOD_NOT_IMPLEMENTED(501, "Method not implemented"),
  /** An HTTP version other than 1.0 and 1.1 (e.g. an {@code HTTP/2.0} request line). */
  HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported"),
  /** Missing or wrong API key. Sent with {@code WWW-Authenticate: Bearer}. */
  UNAUTHORIZED(401, "Unauthorized"),
  /** The app in the path is not served by this cluster. */
  UNKNOWN_APP(404, "Unknown app"),
  /** No such endpoint. */
  NOT_FOUND(404, "Not found"),
  /** The endpoint exists but not with this method. Sent with {@code Allow}. */
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  /** "data" (or the whole request) is larger than allowed. */
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  /**
   * A request did not arrive whole in time: on the API port its head within {@code
   * pushgate.api.http.request-read-timeout} of its first byte, or its body within that of its head;
   * on the client port within {@code pushgate.gateway.http-request-read-timeout}. The connection is
   * closed.
   */
  REQUEST_TIMEOUT(408, "Request timeout"),
  /** An {@code Expect} header other than {@code 100-continue} on the client port. */
  EXPECTATION_FAILED(417, "Expectation failed"),
  /** The request body is not {@code application/json}. */
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  /**
   * A topic name does not follow the topic rule (docs/protocol.md), or a token topic pattern is
   * invalid.
   */
  INVALID_TOPIC(400, "Invalid topic"),
  /**
   * The user's session already has {@code pushgate.session.max-topics} server-side subscriptions.
   */
  TOO_MANY_TOPICS(409, "Too many topics"),
  /**
   * A message's {@code notification} breaks its rules (docs/push.md); {@code field} names the part.
   */
  INVALID_NOTIFICATION(400, "Invalid notification"),
  /** A device id, platform, token or topic breaks its rules (docs/push.md). */
  INVALID_DEVICE(400, "Invalid device"),
  /** The user already has {@code pushgate.session.max-devices} devices. */
  TOO_MANY_DEVICES(409, "Too many devices"),
  /** The user has no device with this id. */
  UNKNOWN_DEVICE(404, "Unknown device"),
  /**
   * A multicast above the send rate found the app's paced send queue full; sent with Retry-After.
   */
  SEND_QUEUE_FULL(429, "Send queue full"),
  /**
   * The app keeps its maximum of live broadcasts ({@code pushgate.broadcast.max-live}); retry
   * later.
   */
  BROADCAST_LOG_FULL(429, "Broadcast log full"),
  /** No broadcast with this id is known (never sent, or ended longer ago than is kept). */
  UNKNOWN_BROADCAST(404, "Unknown broadcast"),
  /** An unexpected server error. */
  INTERNAL_ERROR(500, "Internal server error"),
  /** The session(s) did not answer in time; the outcome is unknown, retrying may duplicate. */
  UNAVAILABLE(503, "Service unavailable"),
  /** This node serves its maximum of concurrent requests; retry later. Sent with Retry-After. */
  OVERLOADED(503, "Overloaded");

  /** Base of the problem {@code type} URI; the code is appended. */
  public static final String TYPE_BASE = "https://pushgate.dev/problems/";

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** Short human-readable summary, the same for every occurrence. */
  public String title() {
    return title;
  }

  /** The stable wire code, e.g. {@code "invalid_ttl"}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The problem type URI, e.g. {@code https://pushgate.dev/problems/invalid_ttl}. */
  public String type() {
    return TYPE_BASE + code();
  }

  /**
   * The code for a response with this status that was not produced as an {@link ApiProblem} (e.g.
   * by Pekko's default rejection handling): the most general code with that status.
   */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 408 -> REQUEST_TIMEOUT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 431 -> HEADERS_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 417 -> EXPECTATION_FAILED;
      case 503 -> UNAVAILABLE;
      case 501 -> METHOD_NOT_IMPLEMENTED; // a method HTTP does not know
      case 505 -> HTTP_VERSION_NOT_SUPPORTED;
      default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    };
  }
}
