package io.pushgate.broadcast;

import io.pushgate.model.CborSerializable;

/** What an app's broadcast log writes to its journal: one row per broadcast, never per user. */
public sealed interface BroadcastEvent extends CborSerializable {

  /**
   * A broadcast was accepted at position {@code entry.bseq()}. Applying it also drops the entries
   * that expired by {@code entry.sentAtMillis()} and the live entry with the same collapse key, so
   * replay gives the same state whatever the clock says.
   */
  record BroadcastPublished(BroadcastEntry entry) implements BroadcastEvent {}
}
