package io.pushgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What a {@link PushgateClient} tells its app. Every method is called on the client's own thread,
 * one at a time, in the order things happened; a slow listener delays the client (acks, pings), so
 * hand long work to another executor. Exceptions thrown here are reported to {@link #onError}.
 */
public interface PushgateListener {

  /** The server accepted hello: the {@code welcome} frame (session, hb, pending). */
  default void onWelcome(JsonNode welcome) {}

  /** A new message (QoS 1 duplicates are not passed on: they are acked again). */
  default void onMessage(Message message) {}

  /** The connection ended and the client will try again after {@code delay}. */
  default void onReconnecting(int closeCode, String reason, Duration delay) {}

  /**
   * The client stopped: {@code terminal} true after a close code that forbids reconnecting (kicked,
   * replaced, unknown app, invalid token without a fresh one, client bugs), false after {@link
   * PushgateClient#close()}.
   */
  default void onClosed(int closeCode, String reason, boolean terminal) {}

  /** Any other server frame (pong, subscribed, bound, upack, error, ...). */
  default void onFrame(JsonNode frame) {}

  /**
   * A failure that does not end the client by itself (dispatch failed, a bad frame, a listener
   * threw).
   */
  default void onError(Throwable error) {}
}
