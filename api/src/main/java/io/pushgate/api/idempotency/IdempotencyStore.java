package io.pushgate.api.idempotency;

import java.util.concurrent.CompletionStage;

/**
 * Remembers the answers to requests sent with an {@code Idempotency-Key}, per app, for {@code
 * pushgate.api.idempotency.retention} (24 h), so that retries of the same send are safe
 * cluster-wide: the message is queued once and every retry gets the first answer.
 *
 * <p>Keys are claimed atomically; a claim of a request still in flight lasts at most {@code
 * pushgate.api.idempotency.in-flight-timeout}. A stage fails when the store cannot be reached (the
 * API then refuses idempotent requests rather than risk a duplicate).
 */
public interface IdempotencyStore {

  CompletionStage<Claim> claim(String app, String key, String requestHash);

  /** Stores the final answer for the claimed key. */
  CompletionStage<Void> complete(
      String app, String key, String requestHash, StoredResponse response);

  /** Gives the key up (the request ended without a final answer, e.g. 503): retries run again. */
  CompletionStage<Void> release(String app, String key);
}
