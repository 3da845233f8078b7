package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.PushMessage;

/** A QoS 1 message stored in a session, with the sequence number it was given. */
public record PendingMessage(long seq, PushMessage message) implements CborSerializable {}
