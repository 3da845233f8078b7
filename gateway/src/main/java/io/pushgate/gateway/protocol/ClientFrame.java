package io.pushgate.gateway.protocol;

/** A frame a client sends, after parsing ({@link FrameCodec#parse(String)}). */
public sealed interface ClientFrame {

  /**
   * The first frame of every connection.
   *
   * @param hb proposed heartbeat interval in seconds, or null when the client did not propose one
   */
  record Hello(String app, String token, Integer hb) implements ClientFrame {}

  /**
   * Cumulative ack: every QoS 1 direct push with {@code seq <= seq} and every QoS 1 broadcast
   * push with {@code bseq <= bseq} was processed (0: nothing of that kind).
   */
  record Ack(long seq, long bseq) implements ClientFrame {}

  /**
   * Subscribe this connection to a topic of the hello app.
   *
   * @param since the last offset the client saw (resubscribe with recovery), or null
   * @param epoch the epoch of that offset, or null
   */
  record Sub(String topic, Long since, String epoch) implements ClientFrame {}

  /** Unsubscribe this connection from a topic it subscribed to. */
  record Unsub(String topic) implements ClientFrame {}

  /** Application-level liveness probe; answered with pong. */
  record Ping() implements ClientFrame {}
}
