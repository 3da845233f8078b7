package io.pushgate.api.idempotency;

/** The first complete answer to an idempotent request, replayed to its retries. */
public record StoredResponse(int status, String body) {}
