package io.pushgate.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pushgate.api.ApiProblem;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Body of the batch send's 202 and 207 responses: one result per message, in request order. The
 * batch is answered 202 if every message's result is 202, else 207.
 */
public record BatchSendResponse(List<Result> results) {

  public BatchSendResponse {
    results = List.copyOf(results);
  }

  /** True if every message was accepted by all its recipients. */
  @JsonIgnore
  public boolean allAccepted() {
    return results.stream().allMatch(r -> r.status() == StatusCodes.ACCEPTED.intValue());
  }

  /**
   * The outcome of one message, as its own {@code POST /messages} would have answered it.
   *
   * @param status 202 (every recipient accepted it), 207 (some did not: see recipients), or the
   *     status of its problem (4xx for a refused message, 429, 503)
   * @param id the message id when it was sent, else null
   * @param recipients one entry per distinct recipient when it was sent (empty when paced), else
   *     null
   * @param paced set when it went to the paced send queue, else null
   * @param problem why it was refused, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(
      int status,
      String id,
      List<SendMessageResponse.Recipient> recipients,
      SendMessageResponse.Paced paced,
      Problem problem) {

    public static Result sent(SendMessageResponse response) {
      int status =
          response.allAccepted()
              ? StatusCodes.ACCEPTED.intValue()
              : StatusCodes.MULTI_STATUS.intValue();
      return new Result(status, response.id(), response.recipients(), response.paced(), null);
    }

    public static Result refused(ApiProblem problem) {
      return new Result(
          problem.code().status(),
          null,
          null,
          null,
          new Problem(problem.code().code(), problem.detail(), problem.field()));
    }
  }

  /** A refused message's problem: the same code, detail and field its own request would get. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Problem(String code, String detail, String field) {}
}
