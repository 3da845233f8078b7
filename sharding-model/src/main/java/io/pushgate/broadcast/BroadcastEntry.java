package io.pushgate.broadcast;

import io.pushgate.model.CborSerializable;
import java.util.Objects;

/**
 * One QoS 1 broadcast of an app, as its log stores it.
 *
 * @param bseq the broadcast's position in the app's log: 1, 2, 3, ... without gaps; sessions keep a
 *     cumulative cursor into it
 * @param id the broadcast id (the push {@code id} every recipient sees)
 * @param data the payload: one JSON value, already serialized
 * @param sentAtMillis when the log accepted it
 * @param expiresAtMillis after this it is never delivered
 * @param collapseKey optional (null): a newer broadcast with the same key replaces this one
 */
public record BroadcastEntry(
    long bseq, String id, String data, long sentAtMillis, long expiresAtMillis, String collapseKey)
    implements CborSerializable {

  public BroadcastEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(data, "data");
    if (bseq < 1) throw new IllegalArgumentException("bseq must be >= 1");
  }

  public boolean isExpired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }
}
