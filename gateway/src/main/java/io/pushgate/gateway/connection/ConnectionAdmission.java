package io.pushgate.gateway.connection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's bound on connections being set up: from a verified hello until the session has
 * attached (which in a reconnect storm waits on session recoveries and the journal; the welcome
 * comes then, or before with {@code welcome-before-attach}). At most {@code maxAttaching} at once,
 * WebSocket and TCP together; a hello past it is refused at once with error {@code overloaded} and
 * close 1013, which clients answer by reconnecting with backoff, so a storm is spread by the
 * clients' jitter instead of queueing for seconds behind the journal (and then failing with 4003 at
 * the attach timeout). Re-attaches of open connections and binds of further apps are not counted.
 * Thread-safe.
 */
public final class ConnectionAdmission {

  private final int maxAttaching;
  private final AtomicInteger attaching = new AtomicInteger();
  private final LongAdder refused = new LongAdder();

  public ConnectionAdmission(int maxAttaching) {
    if (maxAttaching < 1) throw new IllegalArgumentException("max-attaching must be >= 1");
    this.maxAttaching = maxAttaching;
  }

  /** Takes a place for one connection's attach; false (and counted as refused) if all are taken. */
  public boolean tryAdmit() {
    while (true) {
      int now = attaching.get();
      if (now >= maxAttaching) {
        refused.increment();
        return false;
      }
      if (attaching.compareAndSet(now, now + 1)) return true;
    }
  }

  /**
   * Gives back a place taken by {@link #tryAdmit}: the session attached, or the connection ended
   * first.
   */
  public void done() {
    attaching.decrementAndGet();
  }

  /** Connections between hello and their session's attach now. */
  public int attaching() {
    return attaching.get();
  }

  /** Hellos refused because {@code max-attaching} connections were being set up. */
  public long refused() {
    return refused.sum();
  }

  public int maxAttaching() {
    return maxAttaching;
  }
}
