package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.PushMessage;

/**
 * A QoS 1 message stored in a session, with the sequence number it was given.
 *
 * @param deliveries how many connections it was pushed on that went away without acking it
 */
public record PendingMessage(long seq, PushMessage message, int deliveries) implements CborSerializable {

  public PendingMessage(long seq, PushMessage message) {
    this(seq, message, 0);
  }

  PendingMessage delivered() {
    return new PendingMessage(seq, message, deliveries + 1);
  }
}
