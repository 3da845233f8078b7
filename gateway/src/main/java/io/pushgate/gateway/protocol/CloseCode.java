package io.pushgate.gateway.protocol;

/**
 * Every WebSocket close code the gateway sends, with what a client should do about it. Part of the
 * public client protocol (docs/protocol.md keeps the same table).
 *
 * <p>Ranges: 4000-4099 mean "reconnect, with backoff"; 4100-4199 are terminal: the client should
 * not reconnect until something changed (a new token, a user action). The 1xxx codes are the RFC
 * 6455 ones. Exactly one close frame is sent per connection, always by the gateway's own connection
 * handler (Netty's decoder only detects violations).
 */
public enum CloseCode {
  /** The node is shutting down (graceful stop). Reconnect (another node will take it). */
  GOING_AWAY(1001, "going_away", ClientAction.RECONNECT),
  /**
   * The client broke the WebSocket framing rules (bad opcode, bad close code, ...). Terminal: a
   * client bug.
   */
  WEBSOCKET_PROTOCOL_ERROR(1002, "protocol_violation", ClientAction.DO_NOT_RECONNECT),
  /** A text frame or close reason that is not valid UTF-8. Terminal: a client bug. */
  INVALID_PAYLOAD(1007, "invalid_utf8", ClientAction.DO_NOT_RECONNECT),
  /**
   * TCP only (a WebSocket gets 403 instead): the access policy refuses this source address
   * (allow/deny lists). Terminal: not from this address.
   */
  FORBIDDEN(1008, "forbidden", ClientAction.DO_NOT_RECONNECT),
  /**
   * A frame (or fragmented message) larger than {@code max-frame-bytes}. Terminal: a client bug.
   */
  MESSAGE_TOO_BIG(1009, "too_big", ClientAction.DO_NOT_RECONNECT),
  /** An unexpected server error. Reconnect with backoff. */
  INTERNAL_ERROR(1011, "internal_error", ClientAction.RECONNECT_WITH_BACKOFF),

  /**
   * Refused at the door (TCP only: a WebSocket gets 429/503 instead), the reason says why: {@code
   * too_many_connections} (per source), {@code rate_limited} (connection attempts per source),
   * {@code overloaded} (the node's max-connections or tracked sources); or, on both transports,
   * after hello with error {@code overloaded}: {@code max-attaching} connections were being set up.
   * Reconnect with backoff.
   */
  TRY_AGAIN_LATER(1013, "try_again_later", ClientAction.RECONNECT_WITH_BACKOFF),

  /** No hello within {@code hello-timeout} after the upgrade. Reconnect with backoff. */
  HELLO_TIMEOUT(4000, "hello_timeout", ClientAction.RECONNECT_WITH_BACKOFF),
  /** Nothing received from the client for {@code timeout-factor} x hb. Reconnect with backoff. */
  HEARTBEAT_TIMEOUT(4001, "heartbeat_timeout", ClientAction.RECONNECT_WITH_BACKOFF),
  /**
   * The client did not read its frames for {@code slow-consumer-timeout}. Reconnect with backoff.
   */
  SLOW_CONSUMER(4002, "slow_consumer", ClientAction.RECONNECT_WITH_BACKOFF),
  /**
   * The session did not answer the attach in time (or could not be re-attached). Reconnect with
   * backoff.
   */
  SESSION_UNAVAILABLE(4003, "session_unavailable", ClientAction.RECONNECT_WITH_BACKOFF),
  /**
   * The client sent more frames than {@code inbound-rate}/{@code inbound-burst} allow. Reconnect
   * with backoff.
   */
  RATE_LIMITED(4004, "rate_limited", ClientAction.RECONNECT_WITH_BACKOFF),

  /** Token missing, malformed, badly signed or expired. Terminal: get a new token first. */
  INVALID_TOKEN(4100, "invalid_token", ClientAction.DO_NOT_RECONNECT),
  /** The app in hello is not served here. Terminal: a configuration error. */
  UNKNOWN_APP(4101, "unknown_app", ClientAction.DO_NOT_RECONNECT),
  /** A newer connection of the same session took over. Terminal: do not fight over the session. */
  REPLACED(4102, "replaced", ClientAction.DO_NOT_RECONNECT),
  /** The backend kicked the user. Terminal until the user acts (e.g. logs in again). */
  KICKED(4103, "kicked", ClientAction.DO_NOT_RECONNECT),
  /** A frame out of order (anything but hello first, a second hello). Terminal: a client bug. */
  PROTOCOL_ERROR(4104, "protocol_error", ClientAction.DO_NOT_RECONNECT);

  /** What a client is expected to do after a close. */
  public enum ClientAction {
    /** Reconnect soon (a short random delay spreads reconnect storms). */
    RECONNECT,
    /** Reconnect with exponential backoff. */
    RECONNECT_WITH_BACKOFF,
    /** Do not reconnect automatically: something must change first. */
    DO_NOT_RECONNECT
  }

  private final int code;
  private final String reason;
  private final ClientAction clientAction;

  CloseCode(int code, String reason, ClientAction clientAction) {
    this.code = code;
    this.reason = reason;
    this.clientAction = clientAction;
  }

  /** The numeric close code on the wire. */
  public int code() {
    return code;
  }

  /** The short reason text sent in the close frame (ASCII, well under the 123-byte limit). */
  public String reason() {
    return reason;
  }

  public ClientAction clientAction() {
    return clientAction;
  }

  /**
   * The close code for a violation Netty's decoder detected, by the RFC 6455 status it suggests:
   * 1007 and 1009 as they are, anything else 1002.
   */
  public static CloseCode forViolation(int rfcStatus) {
    return switch (rfcStatus) {
      case 1007 -> INVALID_PAYLOAD;
      case 1009 -> MESSAGE_TOO_BIG;
      default -> WEBSOCKET_PROTOCOL_ERROR;
    };
  }

  /** True for codes after which the client must not reconnect without a change. */
  public boolean isTerminal() {
    return clientAction == ClientAction.DO_NOT_RECONNECT;
  }
}
