package io.pushgate.api.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.pushgate.api.ApiProblem;
import io.pushgate.api.ErrorCode;
import io.pushgate.grpc.v1.Problem;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the API's errors (docs/grpc.md, "Errors"): each {@link ErrorCode} has one gRPC
 * status; a failed call carries, besides the status and the problem's detail as its message,
 *
 * <ul>
 *   <li>{@code grpc-status-details-bin}: a {@code google.rpc.Status} with a {@code
 *       google.rpc.ErrorInfo} (reason = the stable code, domain {@value #DOMAIN}, metadata {@code
 *       field} when a field is at fault) and, where the HTTP API sends Retry-After, a {@code
 *       google.rpc.RetryInfo};
 *   <li>{@code pushgate-error-code}: the stable code as plain text, for clients without the rich
 *       error model.
 * </ul>
 */
public final class GrpcErrors {

  /** The ErrorInfo domain of Pushgate's codes. */
  public static final String DOMAIN = "pushgate.dev";

  /** The plain-text trailer with the stable code. */
  public static final String CODE_TRAILER = "pushgate-error-code";

  private static final String DETAILS_TRAILER = "grpc-status-details-bin";
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** The gRPC status of a code: one per code, stable like the code itself. */
  public static Status.Code status(ErrorCode code) {
    return switch (code) {
      case MALFORMED_JSON,
          INVALID_FIELD,
          INVALID_USER,
          INVALID_COLLAPSE_KEY,
          INVALID_IDEMPOTENCY_KEY,
          INVALID_TTL,
          INVALID_QOS,
          TOO_MANY_RECIPIENTS,
          TOO_MANY_MESSAGES,
          MISSING_DATA,
          BAD_REQUEST,
          URI_TOO_LONG,
          HEADERS_TOO_LARGE,
          UNSUPPORTED_MEDIA_TYPE,
          EXPECTATION_FAILED,
          INVALID_TOPIC,
          INVALID_NOTIFICATION,
          INVALID_DEVICE ->
          Status.Code.INVALID_ARGUMENT;
      case PAYLOAD_TOO_LARGE,
          RATE_LIMITED,
          SEND_QUEUE_FULL,
          BROADCAST_LOG_FULL,
          TOO_MANY_TOPICS,
          TOO_MANY_DEVICES ->
          Status.Code.RESOURCE_EXHAUSTED;
      case IDEMPOTENCY_KEY_REUSED -> Status.Code.FAILED_PRECONDITION;
      case IDEMPOTENCY_IN_PROGRESS -> Status.Code.ABORTED;
      case UNAUTHORIZED -> Status.Code.UNAUTHENTICATED;
      case UNKNOWN_APP, NOT_FOUND, UNKNOWN_BROADCAST, UNKNOWN_DEVICE -> Status.Code.NOT_FOUND;
      case METHOD_NOT_ALLOWED, METHOD_NOT_IMPLEMENTED, HTTP_VERSION_NOT_SUPPORTED ->
          Status.Code.UNIMPLEMENTED;
      case REQUEST_TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case INTERNAL_ERROR -> Status.Code.INTERNAL;
      case UNAVAILABLE, OVERLOADED, IDEMPOTENCY_UNAVAILABLE -> Status.Code.UNAVAILABLE;
    };
  }

  /**
   * The problem a failed stage stands for: its {@link ApiProblem}, or internal_error for anything
   * unexpected (logged here; the cause is not disclosed to the caller).
   */
  public static ApiProblem problem(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApiProblem problem) return problem;
    log.error("gRPC API call failed unexpectedly", cause);
    return new ApiProblem(ErrorCode.INTERNAL_ERROR, "the request could not be completed");
  }

  /** The exception that fails a call with {@code problem}. */
  public static GrpcServiceException exception(ApiProblem problem) {
    Status.Code code = status(problem.code());
    return new GrpcServiceException(
        Status.fromCode(code).withDescription(problem.detail()), trailers(problem, code));
  }

  private static Metadata trailers(ApiProblem problem, Status.Code code) {
    ErrorInfo.Builder info =
        ErrorInfo.newBuilder().setReason(problem.code().code()).setDomain(DOMAIN);
    if (problem.field() != null) info.putMetadata("field", problem.field());
    com.google.rpc.Status.Builder details =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(problem.detail())
            .addDetails(Any.pack(info.build()));
    if (problem.retryAfterSeconds() > 0) {
      details.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(Duration.newBuilder().setSeconds(problem.retryAfterSeconds()))
                  .build()));
    }
    return new MetadataBuilder()
        .addText(CODE_TRAILER, problem.code().code())
        .addBinary(DETAILS_TRAILER, ByteString.fromArrayUnsafe(details.build().toByteArray()))
        .build();
  }

  /** A problem as a value (a refused message of a batch or a stream). */
  public static Problem toProto(ApiProblem problem) {
    Problem.Builder p =
        Problem.newBuilder()
            .setCode(problem.code().code())
            .setDetail(problem.detail())
            .setGrpcStatus(status(problem.code()).value());
    if (problem.field() != null) p.setField(problem.field());
    if (problem.retryAfterSeconds() > 0) p.setRetryAfterSeconds(problem.retryAfterSeconds());
    return p.build();
  }
}
