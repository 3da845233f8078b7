package io.pushgate.session;

import io.pushgate.session.SessionEvent.MessagesAcked;
import java.util.ArrayList;
import java.util.List;

/**
 * The highest cumulative QoS 1 ack a session received and has not persisted yet (lazy acks,
 * docs/protocol.md "Acks"). The session releases delivery credit on the ack at once and writes
 * {@link MessagesAcked} later: in front of the next event it persists anyway (so a steady
 * send-and-ack flow costs one journal write per message, not two), when
 * {@code ack-flush-count} acked messages are unwritten, after {@code ack-flush-delay}, and
 * before the session stops, detaches, reports its status or re-attaches. A crash loses at most
 * what was unwritten: those messages are redelivered (at-least-once), never lost.
 *
 * <p>Runtime state of one entity; confined to it.
 */
final class UnpersistedAck {

  private long upTo;
  private long atMillis;

  /** The ack position the session acts on: the persisted one or a later unpersisted one. */
  long effective(SessionState state) {
    return Math.max(state.ackedSeq(), upTo);
  }

  /** True if an ack beyond the persisted position waits to be written. */
  boolean pending(SessionState state) {
    return upTo > state.ackedSeq();
  }

  /** How many acked messages wait to be written (0 if none). */
  long unwritten(SessionState state) {
    return pending(state) ? upTo - state.ackedSeq() : 0;
  }

  /**
   * Records a cumulative ack up to {@code seq} (already capped at what was delivered).
   *
   * @return true if it moved the position
   */
  boolean record(long seq, long nowMillis, SessionState state) {
    if (seq <= effective(state)) return false;
    upTo = seq;
    atMillis = nowMillis;
    return true;
  }

  /**
   * {@code events} with the unwritten ack first, if there is one (it is then considered
   * written: a failed write stops the entity). Events after it that name acked messages
   * (expiry, delivery rounds) find them gone and leave them alone.
   */
  List<SessionEvent> prependTo(SessionState state, List<SessionEvent> events) {
    if (!pending(state)) return events;
    List<SessionEvent> all = new ArrayList<>(events.size() + 1);
    all.add(new MessagesAcked(upTo, atMillis));
    all.addAll(events);
    upTo = 0;
    return all;
  }

  /** The seqs of pending messages that the unwritten ack covers (they are as good as gone). */
  List<Long> coveredSeqs(SessionState state) {
    if (!pending(state)) return List.of();
    List<Long> seqs = new ArrayList<>();
    for (PendingMessage p : state.pendingInOrder()) {
      if (p.seq() > upTo) break;
      seqs.add(p.seq());
    }
    return seqs;
  }
}
