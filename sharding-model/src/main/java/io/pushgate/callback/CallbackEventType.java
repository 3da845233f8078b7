package io.pushgate.callback;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of status callback an app can subscribe to (docs/api.md, "Status callbacks"), by their
 * wire names.
 */
public enum CallbackEventType {
  /** The user's session has a connection again after being offline (debounced, see offline). */
  ONLINE("online"),
  /** The user's session has had no connection for the app's {@code offline-delay}. */
  OFFLINE("offline"),
  /** A connection attached to the user's session (per connection and app). */
  CONNECTED("connected"),
  /** A connection to the user's session ended, with its close code. */
  DISCONNECTED("disconnected"),
  /** The client acked a QoS 1 message. */
  MESSAGE_ACKED("message.acked"),
  /** A QoS 1 message passed its TTL before it was acked. */
  MESSAGE_EXPIRED("message.expired"),
  /** A QoS 1 message reached {@code max-deliveries} without an ack and was given up on. */
  MESSAGE_UNDELIVERABLE("message.undeliverable"),
  /** A pending message was dropped: queue overflow (drop-oldest) or replaced by collapse key. */
  MESSAGE_DROPPED("message.dropped"),
  /**
   * A QoS 1 message's notification was sent to the user's devices and their providers answered
   * (docs/push.md).
   */
  MESSAGE_NOTIFIED("message.notified");

  private final String wireName;

  CallbackEventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in configuration and in the callback's JSON, e.g. {@code message.acked}. */
  public String wireName() {
    return wireName;
  }

  /** True for the four {@code message.*} fates. */
  public boolean isMessageFate() {
    return wireName.startsWith("message.") && this != MESSAGE_NOTIFIED;
  }

  public static Optional<CallbackEventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }
}
