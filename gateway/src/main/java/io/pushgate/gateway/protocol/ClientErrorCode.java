package io.pushgate.gateway.protocol;

import java.util.Locale;

/**
 * Stable codes of {@code {"t":"error","code":...}} frames. Part of the public client protocol:
 * never renamed or reused; new ones may be added, so clients must tolerate unknown codes.
 */
public enum ClientErrorCode {
  /**
   * The frame is not a JSON object with a string {@code t}, a field has the wrong type, or it is
   * binary. Connection stays open.
   */
  BAD_FRAME,
  /** The frame's {@code t} is not one this server knows. Connection stays open. */
  UNKNOWN_TYPE,
  /** Sent before close 4000. */
  HELLO_TIMEOUT,
  /** Sent before close 4100. */
  INVALID_TOKEN,
  /** Sent before close 4101. */
  UNKNOWN_APP,
  /** Sent before close 4104. */
  PROTOCOL_ERROR,
  /** Sent before close 4003. */
  SESSION_UNAVAILABLE,
  /**
   * Sent before close 1013: more connections were being set up on this node than {@code
   * max-attaching} allows (a reconnect storm). Reconnect with backoff and jitter.
   */
  OVERLOADED,
  /**
   * Sent before close 4004: the client sends frames faster than allowed. Also the answer to an up
   * frame past the upstream rate (with the frame's {@code id}; the connection stays open).
   */
  RATE_LIMITED,
  /** A sub/unsub names no valid topic (docs/protocol.md, topic names). Connection stays open. */
  INVALID_TOPIC,
  /** A sub past {@code max-topics-per-connection}. Connection stays open. */
  TOO_MANY_TOPICS,
  /**
   * The token's {@code topics} claim grants no such topic (or it is server-side only). Connection
   * stays open.
   */
  TOPIC_NOT_ALLOWED,
  /** A bind past {@code max-apps-per-connection} (the hello app counts). Connection stays open. */
  TOO_MANY_APPS,
  /** A bind of an app that is bound already (or is the hello app). Connection stays open. */
  ALREADY_BOUND,
  /**
   * An unbind, ack or sub that names an app not bound here (or unbinds the hello app). Connection
   * stays open.
   */
  NOT_BOUND,
  /**
   * An up frame's backend answered with a non-2xx status (in {@code status}). Connection stays
   * open.
   */
  UPSTREAM_REJECTED,
  /**
   * An up frame's backend could not be reached or did not answer in time. Retry later. Connection
   * stays open.
   */
  UPSTREAM_UNAVAILABLE,
  /** The app takes no upstream data of the frame's {@code type}. Connection stays open. */
  UPSTREAM_NOT_ALLOWED,
  /**
   * Too many up frames waiting for their backend (this connection's {@code max-in-flight} or the
   * app's). Retry after an upack.
   */
  UPSTREAM_BUSY,
  /** An up frame's {@code data} is larger than {@code max-data-bytes}. Connection stays open. */
  PAYLOAD_TOO_LARGE;

  /** The code on the wire, e.g. {@code "bad_frame"}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
