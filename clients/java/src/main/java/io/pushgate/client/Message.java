package io.pushgate.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One push, as the client hands it to the listener (docs/protocol.md, "Server → client"): each QoS
 * 1 message once, however often the server redelivers it.
 */
public final class Message {

  private final String app;
  private final String id;
  private final int qos;
  private final long seq;
  private final long bseq;
  private final String topic;
  private final JsonNode data;

  Message(String app, String id, int qos, long seq, long bseq, String topic, JsonNode data) {
    this.app = app;
    this.id = id;
    this.qos = qos;
    this.seq = seq;
    this.bseq = bseq;
    this.topic = topic;
    this.data = data;
  }

  /** The app it belongs to (the hello app or a bound one). */
  public String app() {
    return app;
  }

  /** Stable across redeliveries. */
  public String id() {
    return id;
  }

  public int qos() {
    return qos;
  }

  /** The session sequence number of a QoS 1 direct message; 0 otherwise. */
  public long seq() {
    return seq;
  }

  /** The broadcast sequence number of a QoS 1 broadcast; 0 otherwise. */
  public long bseq() {
    return bseq;
  }

  /** The topic of a topic message; null otherwise. */
  public String topic() {
    return topic;
  }

  /** The JSON the backend sent, as sent. */
  public JsonNode data() {
    return data;
  }

  @Override
  public String toString() {
    return "Message[app="
        + app
        + ", id="
        + id
        + ", qos="
        + qos
        + ", seq="
        + seq
        + ", bseq="
        + bseq
        + (topic == null ? "" : ", topic=" + topic)
        + ", data="
        + data
        + "]";
  }
}
