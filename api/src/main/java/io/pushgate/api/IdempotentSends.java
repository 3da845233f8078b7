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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on sends (docs/api.md): the first final answer (2xx, and 4xx other than
 * 409/429) is stored with a hash of the request body and replayed, with {@code Idempotent-Replayed:
 * true}, to every retry with the same key and body; the message is queued once. Same key, other
 * body: 422. While the first request runs: 409. Answers that leave the outcome open (5xx, 429) are
 * not stored, so the backend can retry. If the store cannot be reached, idempotent requests are
 * refused (503) rather than risk a duplicate.
 *
 * <p>The store can fail <em>after</em> a send was admitted (Redis freezes between the claim and
 * storing the answer, or the node dies): the answer is then not stored, and a retry after the
 * claim's {@code in-flight-timeout} runs the send again. That retry does not duplicate the message:
 * an idempotent send's message id is {@link #messageId derived} from app, key and body, and
 * sessions store a message id at most once.
 *
 * <p>No transport types: each transport says through {@link Replies} what of its answer is kept and
 * how a kept answer is given again (the HTTP API keeps status and body; the gRPC API keeps the
 * same, as the HTTP API would have answered). The body hash covers the request as its transport
 * carried it, so a key used on one transport and retried on the other is a reused key (422).
 */
public final class IdempotentSends {

  /** The HTTP header, and the name a problem gives the key's field. */
  public static final String HEADER = "Idempotency-Key";

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * How one transport answers an idempotent request.
   *
   * @param <R> the transport's answer
   */
  public interface Replies<R> {
    /**
     * What to keep of a final answer for replays; null if the outcome is still open (5xx, 409,
     * 429).
     */
    StoredResponse keep(R answer);

    /** The answer to a retry that finds {@code stored}. */
    R replay(StoredResponse stored);

    /** The answer when the request is refused before it runs. */
    R refuse(ApiProblem problem);
  }

  private final IdempotencyStore store;

  IdempotentSends(IdempotencyStore store) {
    this.store = store;
  }

  /**
   * Runs {@code send} once per key; {@code send} gets the message id to use (null without a key).
   *
   * @param request the request as its transport carried it (hashed to tell a retry from a reuse)
   * @return {@code send}'s answer, a replay, or a refusal; never a failed stage unless {@code
   *     send}'s is one
   */
  public <R> CompletionStage<R> run(
      App app,
      Optional<String> key,
      byte[] request,
      Function<String, CompletionStage<R>> send,
      Replies<R> replies) {
    if (key.isEmpty()) return send.apply(null);
    String k = key.get();
    if (!KEY.matcher(k).matches()) {
      return refused(
          replies,
          new ApiProblem(
              ErrorCode.INVALID_IDEMPOTENCY_KEY,
              HEADER + " must be 1..64 characters of [A-Za-z0-9_-]",
              HEADER));
    }
    String hash = sha256(request);
    return store
        .claim(app.id(), k, hash)
        .handleAsync((claim, error) -> error != null ? null : claim, SAME_THREAD)
        .thenComposeAsync(
            claim -> {
              if (claim == null) {
                return refused(
                    replies,
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_UNAVAILABLE,
                        "the idempotency store cannot be reached; nothing was sent. Retry later, or send without "
                            + HEADER));
              }
              if (claim instanceof Claim.Replay replay) {
                return CompletableFuture.completedFuture(replies.replay(replay.response()));
              }
              if (claim instanceof Claim.InProgress) {
                return refused(
                    replies,
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                        "a request with this " + HEADER + " is still being processed"));
              }
              if (claim instanceof Claim.Reused) {
                return refused(
                    replies,
                    new ApiProblem(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "this " + HEADER + " was used with a different request body"));
              }
              return send.apply(messageId(app, k, hash))
                  .thenComposeAsync(answer -> remember(app, k, hash, answer, replies), SAME_THREAD);
            },
            SAME_THREAD);
  }

  /**
   * The message id of an idempotent send: a name-based UUID of app, key and body hash, so a retry
   * of the same request has the same id, and a key reused (after its retention) for another body
   * does not.
   */
  static String messageId(App app, String key, String bodyHash) {
    return UUID.nameUUIDFromBytes(
            (app.id() + "\n" + key + "\n" + bodyHash).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** Whether an answer with this (HTTP) status is final, so kept for replays. */
  public static boolean isFinal(int status) {
    return status < 500 && status != 429 && status != 409;
  }

  /** Stores a final answer for replay; gives the key up when the outcome is still open. */
  private <R> CompletionStage<R> remember(
      App app, String key, String hash, R answer, Replies<R> replies) {
    StoredResponse stored = replies.keep(answer);
    if (stored == null) return store.release(app.id(), key).handle((v, e) -> answer);
    return store.complete(app.id(), key, hash, stored).handle((v, e) -> answer);
  }

  private static <R> CompletionStage<R> refused(Replies<R> replies, ApiProblem problem) {
    return CompletableFuture.completedFuture(replies.refuse(problem));
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
