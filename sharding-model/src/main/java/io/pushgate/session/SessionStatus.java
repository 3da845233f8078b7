package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import java.util.List;

/**
 * A snapshot of one session for the status API.
 *
 * @param online whether a connection is attached
 * @param connections the attached connections (at most one with the default policy)
 * @param pending QoS 1 messages stored and not yet acked
 * @param lastSeq highest sequence number assigned so far (0 if none)
 * @param ackedSeq highest sequence number acked so far (0 if none)
 * @param undeliverable messages given up on after {@code max-deliveries} deliveries without ack,
 *     over the session's lifetime
 * @param topics the session's server-side topic subscriptions (empty from an older node)
 */
public record SessionStatus(
    boolean online,
    List<ConnectionInfo> connections,
    int pending,
    long lastSeq,
    long ackedSeq,
    long undeliverable,
    List<String> topics)
    implements CborSerializable {

  public SessionStatus {
    topics = topics == null ? List.of() : List.copyOf(topics);
  }

  public SessionStatus(
      boolean online, List<ConnectionInfo> connections, int pending, long lastSeq, long ackedSeq) {
    this(online, connections, pending, lastSeq, ackedSeq, 0, List.of());
  }
}
