package io.pushgate.session;

/**
 * Why a session tells its connection to close. The gateway maps each reason to a documented close
 * code (docs/protocol.md).
 */
public enum DisconnectReason {
  /**
   * A newer connection for the same session took over; clients should not reconnect automatically.
   */
  REPLACED,
  /** The backend kicked the user through the API. */
  KICKED
}
