package io.pushgate.api.dto;

import io.pushgate.broadcast.BroadcastCommand.BroadcastInfo;
import java.time.Instant;

/**
 * The body of {@code GET /v1/apps/{app}/broadcasts/{id}}.
 *
 * @param status {@code live}, {@code expired} or {@code replaced}
 * @param ackedSessions an estimate: sessions whose ack of it the nodes reported since the log last
 *     started (reports lag by {@code pushgate.broadcast.ack-report-interval}; the count starts
 *     again from 0 when the log moves to another node)
 */
public record BroadcastStatusResponse(
    String id,
    String status,
    long bseq,
    String sentAt,
    String expiresAt,
    long ttl,
    long ackedSessions,
    boolean ackedSessionsIsEstimate) {

  public static BroadcastStatusResponse of(BroadcastInfo info) {
    return new BroadcastStatusResponse(
        info.id(),
        info.fate(),
        info.bseq(),
        Instant.ofEpochMilli(info.sentAtMillis()).toString(),
        Instant.ofEpochMilli(info.expiresAtMillis()).toString(),
        (info.expiresAtMillis() - info.sentAtMillis()) / 1000,
        info.ackedSessions(),
        true);
  }
}
