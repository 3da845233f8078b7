package io.pushgate.session;

import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesAcked;
import io.pushgate.session.SessionEvent.MessagesExpired;
import java.util.ArrayList;
import java.util.List;

/**
 * The highest cumulative QoS 1 ack a session received and has not persisted yet (lazy acks,
 * docs/protocol.md "Acks"). The session releases delivery credit on the ack at once and writes
 * {@link MessagesAcked} later: with the next event it persists anyway (folded into a {@link
 * MessageQueued}, so a steady send-and-ack flow costs one journal row per message, not two), when
 * {@code ack-flush-count} acked messages are unwritten, after {@code ack-flush-delay}, and before
 * the session stops, detaches, reports its status or re-attaches. A crash loses at most what was
 * unwritten: those messages are redelivered (at-least-once), never lost.
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
   * {@code events} with the unwritten ack, if there is one, written with them (it is then
   * considered written: a failed write stops the entity). Folded into their {@link MessageQueued}
   * if they have one (one journal row for both; expiries of messages the ack covers are left out,
   * the ack ends them), else a {@link MessagesAcked} in front. Events after the ack that name acked
   * messages (delivery rounds) find them gone and leave them alone.
   */
  List<SessionEvent> prependTo(SessionState state, List<SessionEvent> events) {
    if (!pending(state)) return events;
    long acked = upTo;
    upTo = 0;
    if (events.size() == 1 && events.get(0) instanceof MessageQueued only) {
      return List.of(only.withAck(acked, atMillis)); // the common case: the next message
    }
    int queued = -1;
    for (int i = 0; i < events.size() && queued < 0; i++) {
      if (events.get(i) instanceof MessageQueued) queued = i;
    }
    List<SessionEvent> all = new ArrayList<>(events.size() + 1);
    if (queued < 0) {
      all.add(new MessagesAcked(acked, atMillis));
      all.addAll(events);
      return all;
    }
    for (int i = 0; i < events.size(); i++) {
      SessionEvent e = events.get(i);
      if (i == queued) {
        all.add(((MessageQueued) e).withAck(acked, atMillis));
      } else if (e instanceof MessagesExpired expired) {
        List<Long> seqs = expired.seqs().stream().filter(seq -> seq > acked).toList();
        if (!seqs.isEmpty()) all.add(new MessagesExpired(seqs, expired.atMillis()));
      } else {
        all.add(e);
      }
    }
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
