package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.PushMessage;

/**
 * A QoS 1 message stored in a session, with the sequence number it was given.
 *
 * @param deliveries how many connections it was pushed on that went away without acking it
 * @param notified its notification was handed to the user's devices' providers (at most once per
 *     message: never again, whatever the providers answered)
 */
public record PendingMessage(long seq, PushMessage message, int deliveries, boolean notified)
    implements CborSerializable {

  public PendingMessage(long seq, PushMessage message) {
    this(seq, message, 0, false);
  }

  PendingMessage delivered() {
    return new PendingMessage(seq, message, deliveries + 1, notified);
  }

  PendingMessage markNotified() {
    return new PendingMessage(seq, message, deliveries, true);
  }

  /** It carries a notification that has not been handed to providers yet. */
  boolean awaitsNotification() {
    return !notified && message.notification() != null;
  }
}
