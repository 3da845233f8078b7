package io.pushgate.gateway.connection;

/**
 * The bseqs a connection has written and its client not yet acked, oldest first: a ring of
 * primitive longs bounded by the in-flight window. Adding and removing store no references, so a
 * delivery gives the garbage collector nothing to track (a boxed {@code Long} in a long-lived queue
 * was a fresh object stored into an old one per delivery, which G1 has to refine).
 *
 * <p>Memory: nothing until the first bseq, then 8 slots, doubled as needed up to the capacity (64
 * by default: 512 bytes), so idle connections do not pay for the window.
 *
 * <p>Not thread-safe: confined to its connection's event loop like {@link BroadcastDelivery}.
 */
final class BseqRing {

  private static final long[] NONE = new long[0];
  private static final int FIRST_SLOTS = 8;

  private final int capacity;
  private long[] slots = NONE;
  private int head;
  private int size;

  /** A ring that holds at most {@code capacity} bseqs ({@code capacity >= 1}). */
  BseqRing(int capacity) {
    if (capacity < 1)
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    this.capacity = capacity;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size == capacity;
  }

  /**
   * Appends {@code bseq} as the newest.
   *
   * @throws IllegalStateException when full (callers check {@link #isFull()} first)
   */
  void add(long bseq) {
    if (isFull()) throw new IllegalStateException("in-flight ring full at " + capacity);
    if (size == slots.length) grow();
    int tail = head + size;
    slots[tail >= slots.length ? tail - slots.length : tail] = bseq;
    size++;
  }

  /** Drops every bseq {@code <= upTo} from the oldest end (they were added in bseq order). */
  void removeUpTo(long upTo) {
    while (size > 0 && slots[head] <= upTo) {
      head = head + 1 == slots.length ? 0 : head + 1;
      size--;
    }
  }

  void clear() {
    head = 0;
    size = 0;
  }

  private void grow() {
    long[] bigger = new long[Math.min(capacity, Math.max(FIRST_SLOTS, slots.length * 2))];
    for (int i = 0; i < size; i++) {
      int from = head + i;
      bigger[i] = slots[from >= slots.length ? from - slots.length : from];
    }
    slots = bigger;
    head = 0;
  }
}
