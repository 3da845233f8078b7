package io.pushgate.broadcast;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.model.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The durable state of one app's broadcast log: its head and its live entries in bseq order, plus a
 * bounded record of entries that ended (expired or replaced) for status queries. Mutable, changed
 * only by {@link #apply} from the entity's event handler.
 *
 * <p>Invariants: bseq values are assigned 1, 2, 3, ... and never reused; every live bseq is {@code
 * <= head}; at most one live entry per collapse key.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public final class BroadcastLogState implements CborSerializable {

  /** How an entry left the log. */
  public record Ended(String id, String fate, long bseq, long sentAtMillis, long expiresAtMillis)
      implements CborSerializable {}

  private long head;
  private final TreeMap<Long, BroadcastEntry> live = new TreeMap<>();
  private final Deque<Ended> ended = new ArrayDeque<>();

  public BroadcastLogState() {}

  @JsonCreator
  BroadcastLogState(
      @JsonProperty("head") long head,
      @JsonProperty("live") List<BroadcastEntry> live,
      @JsonProperty("ended") List<Ended> ended) {
    this.head = head;
    if (live != null) live.forEach(e -> this.live.put(e.bseq(), e));
    if (ended != null) this.ended.addAll(ended);
  }

  @JsonProperty("head")
  public long head() {
    return head;
  }

  @JsonProperty("live")
  List<BroadcastEntry> liveList() {
    return new ArrayList<>(live.values());
  }

  @JsonProperty("ended")
  List<Ended> endedList() {
    return new ArrayList<>(ended);
  }

  /** Live entries not expired at {@code nowMillis}. */
  @JsonIgnore
  public int liveCount(long nowMillis) {
    int n = 0;
    for (BroadcastEntry e : live.values()) if (!e.isExpired(nowMillis)) n++;
    return n;
  }

  /** Live entries after {@code bseq} not expired at {@code nowMillis}, in order. */
  public List<BroadcastEntry> since(long bseq, long nowMillis) {
    List<BroadcastEntry> out = new ArrayList<>();
    for (BroadcastEntry e : live.tailMap(bseq, false).values()) {
      if (!e.isExpired(nowMillis)) out.add(e);
    }
    return out;
  }

  /** The live entry with this collapse key, if any. */
  public Optional<BroadcastEntry> liveByCollapseKey(String key) {
    if (key == null) return Optional.empty();
    for (BroadcastEntry e : live.values()) if (key.equals(e.collapseKey())) return Optional.of(e);
    return Optional.empty();
  }

  /** Whether {@code bseq} is still in the log (expired entries stay until the next publish). */
  public boolean isLive(long bseq) {
    return live.containsKey(bseq);
  }

  public Optional<BroadcastEntry> liveById(String id) {
    for (BroadcastEntry e : live.values()) if (e.id().equals(id)) return Optional.of(e);
    return Optional.empty();
  }

  public Optional<Ended> endedById(String id) {
    for (Ended e : ended) if (e.id().equals(id)) return Optional.of(e);
    return Optional.empty();
  }

  /**
   * Applies one event.
   *
   * @param maxEnded how many ended records to keep (the oldest go first)
   */
  public BroadcastLogState apply(BroadcastEvent event, int maxEnded) {
    if (event instanceof BroadcastEvent.BroadcastPublished published) {
      BroadcastEntry entry = published.entry();
      long at = entry.sentAtMillis();
      for (Iterator<BroadcastEntry> it = live.values().iterator(); it.hasNext(); ) {
        BroadcastEntry e = it.next();
        if (e.isExpired(at)) {
          it.remove();
          end(e, "expired", maxEnded);
        } else if (entry.collapseKey() != null && entry.collapseKey().equals(e.collapseKey())) {
          it.remove();
          end(e, "replaced", maxEnded);
        }
      }
      live.put(entry.bseq(), entry);
      head = Math.max(head, entry.bseq());
    }
    return this;
  }

  private void end(BroadcastEntry e, String fate, int maxEnded) {
    if (maxEnded <= 0) return;
    ended.addLast(new Ended(e.id(), fate, e.bseq(), e.sentAtMillis(), e.expiresAtMillis()));
    while (ended.size() > maxEnded) ended.removeFirst();
  }
}
