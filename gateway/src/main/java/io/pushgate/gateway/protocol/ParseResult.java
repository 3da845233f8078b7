package io.pushgate.gateway.protocol;

/** Outcome of parsing one client text frame. */
public sealed interface ParseResult {

  /** A well-formed frame. */
  record Ok(ClientFrame frame) implements ParseResult {}

  /**
   * Not a frame this server accepts; answered with an error frame and the connection stays open.
   *
   * @param code {@link ClientErrorCode#BAD_FRAME} or {@link ClientErrorCode#UNKNOWN_TYPE}
   * @param message human-readable detail (never echoes more than a short prefix of the input)
   */
  record Invalid(ClientErrorCode code, String message) implements ParseResult {}
}
