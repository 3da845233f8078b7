package io.pushgate.paced;

import io.pushgate.model.CborSerializable;

/** What a paced send queue writes: one row per accepted multicast and one per drained batch. */
public sealed interface PacedEvent extends CborSerializable {

  record SendQueued(PacedSend send) implements PacedEvent {}

  /**
   * The recipients of message {@code messageId} before index {@code next} have been enqueued (or it
   * expired).
   */
  record SendProgressed(String messageId, int next) implements PacedEvent {}
}
