package io.pushgate.api.idempotency;

/** The result of claiming an idempotency key for a request. */
public sealed interface Claim {

  /** First use: process the request, then {@code complete} (or {@code release}) the key. */
  record Fresh() implements Claim {}

  /** A request with this key and the same body was answered: send this answer again. */
  record Replay(StoredResponse response) implements Claim {}

  /** A request with this key and the same body is being processed right now. */
  record InProgress() implements Claim {}

  /** The key was used with a different request body. */
  record Reused() implements Claim {}
}
