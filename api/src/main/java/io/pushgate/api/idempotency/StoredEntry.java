package io.pushgate.api.idempotency;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What is stored under one idempotency key: the request's hash and, once answered, the answer.
 *
 * @param status 0 while the request is in flight
 */
record StoredEntry(String hash, int status, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static StoredEntry inFlight(String hash) {
    return new StoredEntry(hash, 0, null);
  }

  Claim claimFor(String requestHash) {
    if (!hash.equals(requestHash)) return new Claim.Reused();
    if (status == 0) return new Claim.InProgress();
    return new Claim.Replay(new StoredResponse(status, body));
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static StoredEntry fromJson(String json) {
    try {
      return JSON.readValue(json, StoredEntry.class);
    } catch (Exception e) {
      throw new IllegalStateException("corrupt idempotency entry", e);
    }
  }
}
