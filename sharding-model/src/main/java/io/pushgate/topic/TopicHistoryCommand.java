package io.pushgate.topic;

import io.pushgate.model.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** What a {@link TopicHistory} accepts. Sent through sharding. */
public sealed interface TopicHistoryCommand extends CborSerializable {

  /** Keep one message, give it the next offset and publish it live with that offset. */
  record Append(String id, String data, long atMillis, ActorRef<Appended> replyTo)
      implements TopicHistoryCommand {}

  /**
   * What a client that last saw {@code offset} of {@code epoch} missed.
   *
   * @param epoch null when the client knows none (then only {@code offset == 0} can recover)
   */
  record Since(long offset, String epoch, ActorRef<Recovery> replyTo)
      implements TopicHistoryCommand {}

  /** Sent by sharding to stop the entity (its history is then gone: a new epoch starts). */
  enum Passivate implements TopicHistoryCommand {
    INSTANCE
  }

  record Appended(long offset, String epoch) implements CborSerializable {}

  /** One kept message. */
  record Kept(long offset, String id, String data, long atMillis) implements CborSerializable {}

  /**
   * Reply to {@link Since}.
   *
   * @param recovered true when {@code missed} is everything after the client's position; false when
   *     the epoch changed (history lost) or part of the gap is older than the history keeps (then
   *     {@code missed} is what is still kept, possibly nothing)
   * @param top the latest offset of the epoch
   */
  record Recovery(List<Kept> missed, long top, String epoch, boolean recovered)
      implements CborSerializable {
    public Recovery {
      missed = List.copyOf(missed);
    }
  }
}
