package io.pushgate.api.dto;

import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.SessionStatus;
import java.time.Instant;
import java.util.List;

/**
 * Body of {@code GET /v1/apps/{app}/users/{user}}.
 *
 * @param pending QoS 1 messages stored and not yet acked
 * @param lastSeq highest sequence number assigned so far (0 if none)
 * @param ackedSeq highest sequence number acked so far (0 if none)
 * @param undeliverable messages given up on after max-deliveries deliveries without ack
 * @param topics the user's server-side topic subscriptions
 */
public record UserStatusResponse(
    String app,
    String user,
    boolean online,
    List<Connection> connections,
    int pending,
    long lastSeq,
    long ackedSeq,
    long undeliverable,
    List<String> topics) {

  /**
   * One attached connection.
   *
   * @param since ISO-8601 instant (UTC) when it attached
   */
  public record Connection(String id, String node, String transport, String since) {
    public static Connection of(ConnectionInfo info) {
      return new Connection(
          info.connectionId(),
          info.node(),
          info.transport(),
          Instant.ofEpochMilli(info.sinceMillis()).toString());
    }
  }

  public static UserStatusResponse of(String app, String user, SessionStatus status) {
    return new UserStatusResponse(
        app,
        user,
        status.online(),
        status.connections().stream().map(Connection::of).toList(),
        status.pending(),
        status.lastSeq(),
        status.ackedSeq(),
        status.undeliverable(),
        status.topics());
  }
}
