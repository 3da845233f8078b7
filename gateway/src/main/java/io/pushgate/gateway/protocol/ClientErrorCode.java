package io.pushgate.gateway.protocol;

import java.util.Locale;

/**
 * Stable codes of {@code {"t":"error","code":...}} frames. Part of the public client protocol:
 * never renamed or reused; new ones may be added, so clients must tolerate unknown codes.
 */
public enum ClientErrorCode {
  /** The frame is not a JSON object with a string {@code t}, a field has the wrong type, or it is binary. Connection stays open. */
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
  /** Sent before close 4004: the client sends frames faster than allowed. */
  RATE_LIMITED;

  /** The code on the wire, e.g. {@code "bad_frame"}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
