package io.pushgate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.dto.BatchSendResponse;
import io.pushgate.api.dto.SendMessageResponse;
import io.pushgate.api.idempotency.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Idempotent answers for a transport that answers with typed values (the gRPC API). What is kept is
 * what the HTTP API would have kept for the same outcome: the JSON body with 202 or 207, or a final
 * problem document with its status.
 *
 * @param <T> the response record ({@link SendMessageResponse}, {@link BatchSendResponse})
 */
public final class TypedReplies<T> implements IdempotentSends.Replies<Answer<T>> {

  /** For single sends. */
  public static final TypedReplies<SendMessageResponse> SEND =
      new TypedReplies<>(SendMessageResponse.class, SendMessageResponse::allAccepted);

  /** For batch sends. */
  public static final TypedReplies<BatchSendResponse> BATCH =
      new TypedReplies<>(BatchSendResponse.class, BatchSendResponse::allAccepted);

  private final Class<T> type;
  private final Predicate<T> allAccepted;

  private TypedReplies(Class<T> type, Predicate<T> allAccepted) {
    this.type = type;
    this.allAccepted = allAccepted;
  }

  @Override
  public StoredResponse keep(Answer<T> answer) {
    if (answer.value() != null) {
      int status =
          allAccepted.test(answer.value()) ? ApiResponses.ACCEPTED : ApiResponses.MULTI_STATUS;
      return new StoredResponse(
          status, new String(ApiJson.bytes(answer.value()), StandardCharsets.UTF_8));
    }
    ApiProblem problem = answer.problem();
    int status = problem.code().status();
    if (!IdempotentSends.isFinal(status)) return null;
    return new StoredResponse(
        status,
        ApiResponses.problemBody(problem.code(), status, problem.detail(), problem.field())
            .toString());
  }

  @Override
  public Answer<T> replay(StoredResponse stored) {
    try {
      if (stored.status() < 400) return Answer.of(ApiJson.mapper().readValue(stored.body(), type));
      JsonNode problem = ApiJson.mapper().readTree(stored.body());
      ErrorCode code = ErrorCode.valueOf(problem.path("code").asText().toUpperCase(Locale.ROOT));
      JsonNode field = problem.get("field");
      return Answer.refused(
          ApiProblem.field(
              code, field == null ? null : field.asText(), problem.path("detail").asText()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("a kept idempotent answer could not be read back", e);
    }
  }

  @Override
  public Answer<T> refuse(ApiProblem problem) {
    return Answer.refused(problem);
  }
}
