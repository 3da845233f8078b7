package io.pushgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the API's HTTP responses: JSON bodies and {@code application/problem+json} problems (RFC
 * 9457) with the headers their status calls for.
 */
final class ApiResponses {

  private static final Logger log = LoggerFactory.getLogger(ApiResponses.class);

  /** {@code application/problem+json}, always UTF-8. */
  static final MediaType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8);

  private static final ContentType PROBLEM_CONTENT_TYPE = ContentTypes.create(PROBLEM_JSON);

  /** The realm announced with 401 responses. */
  static final String REALM = "pushgate";

  /** The code a problem response was made with (read by the call meters, never sent). */
  private static final AttributeKey<ErrorCode> CODE =
      AttributeKey.create("pushgate-error-code", ErrorCode.class);

  private ApiResponses() {}

  /** The error code of a response: null below 400; the code it was made with, else its status's. */
  static ErrorCode errorCode(HttpResponse response) {
    int status = response.status().intValue();
    if (status < 400) return null;
    return response.getAttribute(CODE).orElseGet(() -> ErrorCode.forStatus(status));
  }

  /** A JSON response with the given status and body. */
  static HttpResponse json(int status, Object body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, ByteString.fromArrayUnsafe(ApiJson.bytes(body))));
  }

  static HttpResponse problem(ApiProblem problem) {
    HttpResponse response = problem(problem.code(), problem.detail(), problem.field());
    if (problem.retryAfterSeconds() > 0) {
      response =
          response.addHeader(
              RawHeader.create("Retry-After", Long.toString(problem.retryAfterSeconds())));
    }
    return response;
  }

  static HttpResponse problem(ErrorCode code, String detail) {
    return problem(code, detail, null);
  }

  /** A problem response; adds WWW-Authenticate to 401 and Retry-After to overloaded. */
  static HttpResponse problem(ErrorCode code, String detail, String field) {
    List<HttpHeader> headers = new ArrayList<>(1);
    if (code == ErrorCode.UNAUTHORIZED) {
      headers.add(WWWAuthenticate.create(HttpChallenge.create("Bearer", REALM)));
    } else if (code == ErrorCode.OVERLOADED) {
      headers.add(RawHeader.create("Retry-After", "1"));
    }
    return problem(code, code.status(), detail, field).addHeaders(headers);
  }

  /** A problem with an explicit status (one the code covers, e.g. 414 as {@code bad_request}). */
  static HttpResponse problem(ErrorCode code, int status, String detail) {
    return problem(code, status, detail, null);
  }

  private static HttpResponse problem(ErrorCode code, int status, String detail, String field) {
    ObjectNode body = problemBody(code, status, detail, field);
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            HttpEntities.create(
                PROBLEM_CONTENT_TYPE, ByteString.fromArrayUnsafe(ApiJson.bytes(body))))
        .addAttribute(CODE, code);
  }

  /** The problem document ({@code application/problem+json}) of a problem with {@code status}. */
  static ObjectNode problemBody(ErrorCode code, int status, String detail, String field) {
    ObjectNode body = ApiJson.mapper().createObjectNode();
    body.put("type", code.type());
    body.put("title", code.title());
    body.put("status", status);
    body.put("detail", detail);
    body.put("code", code.code());
    if (field != null) body.put("field", field);
    return body;
  }

  /**
   * The response for a failed service stage: its {@link ApiProblem}, or 500 internal_error for
   * anything unexpected (logged here; the cause is not disclosed to the caller).
   */
  static HttpResponse failure(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof ApiProblem problem) return problem(problem);
    log.error("API request failed unexpectedly", cause);
    return problem(ErrorCode.INTERNAL_ERROR, "the request could not be completed");
  }

  /** Strips the wrappers that CompletionStage composition adds. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** True if the response already is a problem document. */
  static boolean isProblem(HttpResponse response) {
    return response.entity().getContentType().mediaType().equals(PROBLEM_JSON);
  }

  /**
   * Rewrites a response produced outside the API's own code (Pekko's default rejection handling) as
   * a problem with the most general code for its status, keeping its headers and using its
   * plain-text message as the detail when it has one.
   */
  static HttpResponse asProblem(HttpResponse response) {
    if (isProblem(response)) return response;
    ErrorCode code = ErrorCode.forStatus(response.status().intValue());
    String detail = code.title();
    HttpEntity entity = response.entity();
    if (entity instanceof HttpEntity.Strict strict
        && strict.getContentLengthOption().orElse(0L) > 0) {
      detail = strict.getData().utf8String();
    }
    return problem(code, response.status().intValue(), detail, null)
        .addHeaders(response.getHeaders());
  }

  static HttpResponse noRoute() {
    return problem(ErrorCode.NOT_FOUND, "no such endpoint; see docs/api.md");
  }

  static final int ACCEPTED = StatusCodes.ACCEPTED.intValue();
  static final int MULTI_STATUS = StatusCodes.MULTI_STATUS.intValue();
}
