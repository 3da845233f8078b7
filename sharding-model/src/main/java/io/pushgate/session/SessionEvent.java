package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import java.util.List;

/** What a session writes to its journal. Every event is applied by {@link SessionState}. */
public sealed interface SessionEvent extends CborSerializable {

  /** A QoS 1 message was accepted and given sequence number {@code pending.seq()}. */
  record MessageQueued(PendingMessage pending) implements SessionEvent {}

  /** Cumulative ack: every message with {@code seq <= upToSeq} is done. */
  record MessagesAcked(long upToSeq) implements SessionEvent {}

  /** These pending messages passed their expiry without being acked; they are never delivered. */
  record MessagesExpired(List<Long> seqs) implements SessionEvent {}
}
