package io.pushgate.paced;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.model.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The queued multicasts of one app, oldest first; finished ones leave. Changed only by {@link
 * #apply}.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public final class PacedQueueState implements CborSerializable {

  private final ArrayDeque<PacedSend> sends = new ArrayDeque<>();

  public PacedQueueState() {}

  @JsonCreator
  PacedQueueState(@JsonProperty("sends") List<PacedSend> sends) {
    if (sends != null) this.sends.addAll(sends);
  }

  @JsonProperty("sends")
  List<PacedSend> sendList() {
    return new ArrayList<>(sends);
  }

  /** The oldest unfinished send, or null. */
  public PacedSend head() {
    return sends.peekFirst();
  }

  public boolean isEmpty() {
    return sends.isEmpty();
  }

  /** Recipients still to be enqueued, over every queued send. */
  public long queuedRecipients() {
    long n = 0;
    for (PacedSend s : sends) n += s.remaining();
    return n;
  }

  public PacedQueueState apply(PacedEvent event) {
    if (event instanceof PacedEvent.SendQueued queued) {
      sends.addLast(queued.send());
    } else if (event instanceof PacedEvent.SendProgressed progressed) {
      PacedSend head = sends.peekFirst();
      if (head != null && head.message().id().equals(progressed.messageId())) {
        sends.pollFirst();
        PacedSend next = head.advancedTo(progressed.next());
        if (next.remaining() > 0) sends.addFirst(next);
      }
    }
    return this;
  }
}
