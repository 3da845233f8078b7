package io.pushgate.gateway.protocol;

/** A frame a client sends, after parsing ({@link FrameCodec#parse(String)}). */
public sealed interface ClientFrame {

  /**
   * The first frame of every connection.
   *
   * @param hb proposed heartbeat interval in seconds, or null when the client did not propose one
   */
  record Hello(String app, String token, Integer hb) implements ClientFrame {}

  /** Cumulative ack: every QoS 1 push with {@code seq <= seq} was processed. */
  record Ack(long seq) implements ClientFrame {}

  /** Application-level liveness probe; answered with pong. */
  record Ping() implements ClientFrame {}
}
