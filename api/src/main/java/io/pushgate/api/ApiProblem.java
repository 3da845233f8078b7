package io.pushgate.api;

import java.util.Objects;

/**
 * A failure the API reports to the caller as {@code application/problem+json} (RFC 9457): {@code
 * {"type","title","status","detail","code"}} plus {@code "field"} when one request field is at
 * fault. Thrown (or used to fail a stage) by validation and services; turned into a response by
 * {@link ApiResponses}. Carries no stack trace: it is an expected outcome, not a bug.
 */
public final class ApiProblem extends RuntimeException {

  private final ErrorCode code;
  private final String detail;
  private final String field;
  private final long retryAfterSeconds;

  public ApiProblem(ErrorCode code, String detail) {
    this(code, detail, null);
  }

  /**
   * @param field the request field at fault (e.g. {@code "ttl"}, {@code "to[3]"}), or null
   */
  public ApiProblem(ErrorCode code, String detail, String field) {
    this(code, detail, field, 0);
  }

  private ApiProblem(ErrorCode code, String detail, String field, long retryAfterSeconds) {
    super(code.code() + ": " + detail, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.detail = Objects.requireNonNull(detail, "detail");
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A problem sent with {@code Retry-After: seconds} (at least 1). */
  public static ApiProblem retryAfter(ErrorCode code, String detail, long seconds) {
    return new ApiProblem(code, detail, null, Math.max(1, seconds));
  }

  /** Seconds for the Retry-After header, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public ErrorCode code() {
    return code;
  }

  /** Human-readable explanation of this occurrence; never contains credentials. */
  public String detail() {
    return detail;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  /** A field problem with the given code. */
  public static ApiProblem field(ErrorCode code, String field, String detail) {
    return new ApiProblem(code, detail, field);
  }
}
