package io.pushgate.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.model.CborSerializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The durable state of one session: its pending QoS 1 messages in {@code seq} order and its
 * sequence counters. Mutable, and changed only by {@link #apply(SessionEvent)} from the entity's
 * event handler (Pekko persistence allows mutable state confined to the entity). Serialized
 * (snapshots) through the explicitly annotated properties only.
 *
 * <p>Invariants: {@code ackedSeq <= lastSeq}; every pending seq is in {@code (ackedSeq, lastSeq]};
 * seq values are never reused, so a client may de-duplicate by seq.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public final class SessionState implements CborSerializable {

  private long lastSeq;
  private long ackedSeq;
  private long pendingBytes;
  private final TreeMap<Long, PendingMessage> pending = new TreeMap<>();

  public SessionState() {}

  @JsonCreator
  SessionState(
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("ackedSeq") long ackedSeq,
      @JsonProperty("pending") List<PendingMessage> pending) {
    this.lastSeq = lastSeq;
    this.ackedSeq = ackedSeq;
    if (pending != null) pending.forEach(this::put);
  }

  @JsonProperty("lastSeq")
  public long lastSeq() {
    return lastSeq;
  }

  @JsonProperty("ackedSeq")
  public long ackedSeq() {
    return ackedSeq;
  }

  /** The pending messages in seq order (a copy, for serialization and inspection). */
  @JsonProperty("pending")
  public List<PendingMessage> pendingList() {
    return new ArrayList<>(pending.values());
  }

  @JsonIgnore
  public int pendingCount() {
    return pending.size();
  }

  /** Approximate bytes held by pending messages. */
  @JsonIgnore
  public long pendingBytes() {
    return pendingBytes;
  }

  /** Pending messages with seq greater than {@code seq}, in order (a live view: do not mutate). */
  public Collection<PendingMessage> pendingAfter(long seq) {
    NavigableMap<Long, PendingMessage> tail = pending.tailMap(seq, false);
    return tail.values();
  }

  /** The sequence number the next queued message gets. */
  public long nextSeq() {
    return lastSeq + 1;
  }

  /** Seqs of pending messages expired at {@code nowMillis}, in order. */
  public List<Long> expiredAt(long nowMillis) {
    List<Long> expired = new ArrayList<>();
    for (PendingMessage p : pending.values()) {
      if (p.message().isExpired(nowMillis)) expired.add(p.seq());
    }
    return expired;
  }

  /** Applies one event. Called only from the entity's event handler. */
  public SessionState apply(SessionEvent event) {
    if (event instanceof SessionEvent.MessageQueued queued) {
      put(queued.pending());
      lastSeq = Math.max(lastSeq, queued.pending().seq());
    } else if (event instanceof SessionEvent.MessagesAcked acked) {
      long upTo = Math.min(acked.upToSeq(), lastSeq);
      if (upTo > ackedSeq) {
        NavigableMap<Long, PendingMessage> done = pending.headMap(upTo, true);
        done.values().forEach(p -> pendingBytes -= p.message().weight());
        done.clear();
        ackedSeq = upTo;
      }
    } else if (event instanceof SessionEvent.MessagesExpired expired) {
      for (Long seq : expired.seqs()) {
        PendingMessage removed = pending.remove(seq);
        if (removed != null) pendingBytes -= removed.message().weight();
      }
    }
    return this;
  }

  private void put(PendingMessage p) {
    PendingMessage old = pending.put(p.seq(), p);
    if (old != null) pendingBytes -= old.message().weight();
    pendingBytes += p.message().weight();
  }
}
