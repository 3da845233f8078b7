package io.pushgate.broadcast;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's copy of every app's live broadcasts, read by the session entities on the node without
 * messages or locks. Written only by the node's {@link BroadcastHub}, which replaces an app's view
 * as a whole (immutable snapshots), so readers always see a consistent prefix of the log: every
 * bseq up to {@code head} is either present or known to have ended.
 *
 * <p>Memory: at most {@code max-live} entries per app, the same bound as the log's.
 */
final class BroadcastReplica {

  /** One app's view: live entries in bseq order, all with bseq {@code <= head}. */
  record View(long head, List<BroadcastEntry> entries) {
    static final View EMPTY = new View(0, List.of());

    View {
      entries = List.copyOf(entries);
    }

    List<BroadcastEntry> after(long bseq) {
      int lo = 0;
      int hi = entries.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (entries.get(mid).bseq() <= bseq) lo = mid + 1;
        else hi = mid;
      }
      return lo == 0 ? entries : entries.subList(lo, entries.size());
    }
  }

  private final Map<String, View> views = new ConcurrentHashMap<>();
  private final Map<String, Map<Long, LongAdder>> acks = new ConcurrentHashMap<>();

  /** The app's view; empty until the hub has loaded it. */
  View view(String app) {
    return views.getOrDefault(app, View.EMPTY);
  }

  boolean isLoaded(String app) {
    return views.containsKey(app);
  }

  void set(String app, View view) {
    views.put(app, view);
  }

  /** Counts one session's ack of every live entry in {@code (from, to]}. */
  void countAck(String app, long from, long to) {
    List<BroadcastEntry> entries = view(app).after(from);
    Map<Long, LongAdder> counts = null;
    for (BroadcastEntry e : entries) {
      if (e.bseq() > to) break;
      if (counts == null) counts = acks.computeIfAbsent(app, a -> new ConcurrentHashMap<>());
      counts.computeIfAbsent(e.bseq(), b -> new LongAdder()).increment();
    }
  }

  /** Takes the ack counts gathered since the last call, per app ({@code bseq -> sessions}). */
  Map<String, Map<Long, Long>> drainAcks() {
    Map<String, Map<Long, Long>> out = new HashMap<>();
    for (var app : acks.entrySet()) {
      Map<Long, Long> counts = new HashMap<>();
      for (var it = app.getValue().entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        long n = e.getValue().sumThenReset();
        if (n > 0) counts.put(e.getKey(), n);
        else it.remove();
      }
      if (!counts.isEmpty()) out.put(app.getKey(), counts);
    }
    return out;
  }

  /**
   * A new view: {@code current} plus {@code added} (in order), collapsed and without expired
   * entries.
   */
  static View merge(View current, long head, List<BroadcastEntry> added, long nowMillis) {
    List<BroadcastEntry> merged = new ArrayList<>(current.entries().size() + added.size());
    merged.addAll(current.entries());
    for (BroadcastEntry entry : added) {
      if (entry.bseq() <= current.head()) continue;
      if (entry.collapseKey() != null)
        merged.removeIf(e -> entry.collapseKey().equals(e.collapseKey()));
      merged.add(entry);
    }
    merged.removeIf(e -> e.isExpired(nowMillis));
    Collections.sort(merged, (a, b) -> Long.compare(a.bseq(), b.bseq()));
    return new View(Math.max(head, current.head()), merged);
  }
}
