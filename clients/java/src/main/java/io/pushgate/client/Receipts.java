package io.pushgate.client;

import java.util.HashMap;
import java.util.Map;

/**
 * De-duplication and cumulative acks per app (docs/protocol.md, "Duplicates and ordering"): the
 * highest {@code seq} and {@code bseq} processed; a QoS 1 push at or below them is a duplicate.
 * Counts the pushes not yet acked, so the client acks after {@code batch} of them or after its
 * delay. Not thread-safe: used on the client's thread only.
 */
final class Receipts {

  /** One app's cursors. */
  static final class Cursor {
    long seq;
    long bseq;
    int unacked;
    boolean timerRunning;
  }

  private final Map<String, Cursor> byApp = new HashMap<>();

  Cursor cursor(String app) {
    return byApp.computeIfAbsent(app, a -> new Cursor());
  }

  /**
   * Records a QoS 1 push; true if it is new (to be passed on), false if a duplicate. Either way it
   * counts towards the next ack.
   */
  boolean received(String app, long seq, long bseq) {
    Cursor c = cursor(app);
    c.unacked++;
    if (seq > 0) {
      if (seq <= c.seq) return false;
      c.seq = seq;
    } else if (bseq > 0) {
      if (bseq <= c.bseq) return false;
      c.bseq = bseq;
    }
    return true;
  }

  Map<String, Cursor> all() {
    return byApp;
  }
}
