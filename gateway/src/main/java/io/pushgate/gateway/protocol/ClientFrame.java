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
   * Cumulative ack: every QoS 1 direct push with {@code seq <= seq} and every QoS 1 broadcast push
   * with {@code bseq <= bseq} was processed (0: nothing of that kind), for the session of {@code
   * app} (null: the hello app).
   */
  record Ack(long seq, long bseq, String app) implements ClientFrame {

    /** An ack for the hello app. */
    public Ack(long seq, long bseq) {
      this(seq, bseq, null);
    }
  }

  /** Bind another app's session to this connection, with a token of that app. */
  record Bind(String app, String token) implements ClientFrame {}

  /** End a bound app's session on this connection. */
  record Unbind(String app) implements ClientFrame {}

  /**
   * Subscribe this connection to a topic of the hello app.
   *
   * @param since the last offset the client saw (resubscribe with recovery), or null
   * @param epoch the epoch of that offset, or null
   */
  record Sub(String topic, Long since, String epoch, String app) implements ClientFrame {

    /** A sub for the hello app. */
    public Sub(String topic, Long since, String epoch) {
      this(topic, since, epoch, null);
    }
  }

  /**
   * Unsubscribe this connection from a topic it subscribed to ({@code app}: null for the hello
   * app).
   */
  record Unsub(String topic, String app) implements ClientFrame {

    public Unsub(String topic) {
      this(topic, null);
    }
  }

  /**
   * Data for the app's backend (docs/protocol.md, "Upstream").
   *
   * @param id the client's id of this frame, echoed in the answer (1-64 characters)
   * @param type what kind of data; the app routes it by type ({@code [A-Za-z0-9._-]}, 1-64)
   * @param data the frame's {@code data} as compact JSON ({@code null} if absent)
   * @param app the bound app it is for (null: the hello app)
   */
  record Up(String id, String type, String data, String app) implements ClientFrame {}

  /** Application-level liveness probe; answered with pong. */
  record Ping() implements ClientFrame {}
}
