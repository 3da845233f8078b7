package io.pushgate.paced;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import java.util.List;

/**
 * One multicast accepted into an app's paced send queue: the message, every recipient, and how far
 * the drain has come ({@code next}: the index of the first recipient not yet enqueued).
 */
public record PacedSend(
    PushMessage message, List<String> recipients, OverflowPolicy overflow, int next)
    implements CborSerializable {

  public PacedSend {
    recipients = List.copyOf(recipients);
  }

  public int remaining() {
    return recipients.size() - next;
  }

  PacedSend advancedTo(int index) {
    return new PacedSend(message, recipients, overflow, Math.max(next, index));
  }
}
