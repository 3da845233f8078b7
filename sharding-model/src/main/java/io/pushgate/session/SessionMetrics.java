package io.pushgate.session;

import io.pushgate.metrics.MessageMeters;
import io.pushgate.session.SessionEvent.DeliveryRoundEnded;
import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesExpired;
import java.util.List;

/**
 * What one session records into its app's {@link MessageMeters}: accepts, acks, the fates its
 * written events decide (expired, undeliverable, dropped), its share of the node's pending gauge
 * and how long its journal writes take. Counts are taken after the event is written, never on
 * replay, so a recovered session counts nothing twice. Confined to its entity.
 */
final class SessionMetrics {

  private final MessageMeters node;
  private final MessageMeters.App app;

  /** What this session has added to the pending gauge. */
  private long reportedPending;

  /** When the write in flight started (System.nanoTime), or 0 when none is. */
  private long writeStartedNanos;

  SessionMetrics(MessageMeters node, String app) {
    this.node = node;
    this.app = node.forApp(app);
  }

  void qos0Delivered() {
    app.acceptedQos0.increment();
  }

  void qos0Offline() {
    app.droppedOffline.increment();
  }

  /** The client acked the pending messages with {@code fromSeq < seq <= toSeq}. */
  void acked(SessionState state, long fromSeq, long toSeq) {
    int n = 0;
    for (PendingMessage p : state.pendingAfter(fromSeq)) {
      if (p.seq() > toSeq) break;
      n++;
    }
    if (n > 0) app.acked.increment(n);
  }

  void writeStarted() {
    writeStartedNanos = System.nanoTime();
  }

  /** {@code events} were written; {@code after} is the state they made. */
  void written(List<SessionEvent> events, SessionState after) {
    if (writeStartedNanos != 0) node.recordJournalWrite(System.nanoTime() - writeStartedNanos);
    writeStartedNanos = 0;
    for (SessionEvent event : events) {
      if (event instanceof MessageQueued e) {
        app.acceptedQos1.increment();
        if (!e.droppedSeqs().isEmpty()) app.droppedOverflow.increment(e.droppedSeqs().size());
        if (e.replacedSeq() > 0) app.droppedReplaced.increment();
      } else if (event instanceof MessagesExpired e) {
        app.expired.increment(e.seqs().size());
      } else if (event instanceof DeliveryRoundEnded e) {
        if (!e.undeliverableSeqs().isEmpty())
          app.undeliverable.increment(e.undeliverableSeqs().size());
      }
    }
    pendingIs(after.pendingCount());
  }

  /** The session now holds {@code pending} messages (after recovery, after a write). */
  void pendingIs(long pending) {
    app.pendingChanged(pending - reportedPending);
    reportedPending = pending;
  }

  void parked() {
    node.sessionParked();
  }

  void woken() {
    node.sessionWoken();
  }

  /** The entity stopped: its pending leave the gauge; a write still in flight failed. */
  void stopped() {
    if (writeStartedNanos != 0) node.journalWriteFailed();
    pendingIs(0);
  }
}
