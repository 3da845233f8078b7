package io.pushgate.paced;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** What an app's {@link PacedSendQueue} accepts. */
public sealed interface PacedCommand extends CborSerializable {

  /** Queue a multicast; the reply comes after it is persisted. */
  record Submit(
      PushMessage message,
      List<String> recipients,
      OverflowPolicy overflow,
      ActorRef<SubmitResult> replyTo)
      implements PacedCommand {}

  /** Start draining if there is anything queued (sent to every app's queue at node start). */
  enum Resume implements PacedCommand {
    INSTANCE
  }

  /** Stop message used by sharding for rebalance hand-off. */
  enum Passivate implements PacedCommand {
    INSTANCE
  }

  // ---- internal: sent by the queue to itself ----

  /** Drain timer. */
  enum Tick implements PacedCommand {
    INSTANCE
  }

  /** The rate gate answered for recipients {@code [from, to)} of the head send. */
  record Admitted(String messageId, int from, int to, boolean allowed) implements PacedCommand {}

  /** Every session of the batch answered ({@code complete}) or some did not. */
  record BatchDone(String messageId, int to, boolean complete) implements PacedCommand {}

  /** Reply to {@link Submit}. */
  record SubmitResult(boolean accepted, long queuedRecipients) implements CborSerializable {}
}
