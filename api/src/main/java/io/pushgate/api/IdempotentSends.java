package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.idempotency.Claim;
import io.pushgate.api.idempotency.IdempotencyStore;
import io.pushgate.api.idempotency.StoredResponse;
import io.pushgate.model.App;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * {@code Idempotency-Key} on sends (docs/api.md): the first final answer (2xx, and 4xx other
 * than 409/429) is stored with a hash of the request body and replayed, with
 * {@code Idempotent-Replayed: true}, to every retry with the same key and body; the message is
 * queued once. Same key, other body: 422. While the first request runs: 409. Answers that
 * leave the outcome open (5xx, 429) are not stored, so the backend can retry. If the store
 * cannot be reached, idempotent requests are refused (503) rather than risk a duplicate.
 *
 * <p>The store can fail <em>after</em> a send was admitted (Redis freezes between the claim and
 * storing the answer, or the node dies): the answer is then not stored, and a retry after the
 * claim's {@code in-flight-timeout} runs the send again. That retry does not duplicate the
 * message: an idempotent send's message id is {@link #messageId derived} from app, key and body,
 * and sessions store a message id at most once.
 */
final class IdempotentSends {

  static final String HEADER = "Idempotency-Key";
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final IdempotencyStore store;

  IdempotentSends(IdempotencyStore store) {
    this.store = store;
  }

  /**
   * Runs {@code send} once per key; {@code send} gets the body and the message id to use (null
   * without a key) and must answer with a strict entity.
   */
  CompletionStage<HttpResponse> run(
      App app, Optional<String> key, byte[] body, BiFunction<byte[], String, CompletionStage<HttpResponse>> send) {
    if (key.isEmpty()) return send.apply(body, null);
    String k = key.get();
    if (!KEY.matcher(k).matches()) {
      return problem(new ApiProblem(ErrorCode.INVALID_IDEMPOTENCY_KEY, HEADER + " must be 1..64 characters of [A-Za-z0-9_-]", HEADER));
    }
    String hash = sha256(body);
    return store
        .claim(app.id(), k, hash)
        .handleAsync((claim, error) -> error != null ? null : claim, SAME_THREAD)
        .thenComposeAsync(
            claim -> {
              if (claim == null) {
                return problem(
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_UNAVAILABLE,
                        "the idempotency store cannot be reached; nothing was sent. Retry later, or send without "
                            + HEADER));
              }
              if (claim instanceof Claim.Replay replay) {
                return CompletableFuture.completedFuture(replayed(replay.response()));
              }
              if (claim instanceof Claim.InProgress) {
                return problem(
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_IN_PROGRESS, "a request with this " + HEADER + " is still being processed"));
              }
              if (claim instanceof Claim.Reused) {
                return problem(
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED, "this " + HEADER + " was used with a different request body"));
              }
              return send.apply(body, messageId(app, k, hash))
                  .thenComposeAsync(response -> remember(app, k, hash, response), SAME_THREAD);
            },
            SAME_THREAD);
  }

  /**
   * The message id of an idempotent send: a name-based UUID of app, key and body hash, so a
   * retry of the same request has the same id, and a key reused (after its retention) for another
   * body does not.
   */
  static String messageId(App app, String key, String bodyHash) {
    return UUID.nameUUIDFromBytes((app.id() + "\n" + key + "\n" + bodyHash).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Stores a final answer for replay; gives the key up when the outcome is still open. */
  private CompletionStage<HttpResponse> remember(App app, String key, String hash, HttpResponse response) {
    int status = response.status().intValue();
    boolean isFinal = status < 500 && status != 429 && status != 409;
    if (!isFinal || !(response.entity() instanceof HttpEntity.Strict strict)) {
      return store.release(app.id(), key).handle((v, e) -> response);
    }
    StoredResponse stored = new StoredResponse(status, strict.getData().utf8String());
    return store.complete(app.id(), key, hash, stored).handle((v, e) -> response);
  }

  private static HttpResponse replayed(StoredResponse stored) {
    return HttpResponse.create()
        .withStatus(stored.status())
        .withEntity(
            HttpEntities.create(
                stored.status() >= 400
                    ? org.apache.pekko.http.javadsl.model.ContentTypes.create(ApiResponses.PROBLEM_JSON)
                    : ContentTypes.APPLICATION_JSON,
                stored.body()))
        .addHeader(RawHeader.create("Idempotent-Replayed", "true"));
  }

  private static CompletionStage<HttpResponse> problem(ApiProblem problem) {
    return CompletableFuture.completedFuture(ApiResponses.problem(problem));
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
