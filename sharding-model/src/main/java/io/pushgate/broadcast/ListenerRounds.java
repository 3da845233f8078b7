package io.pushgate.broadcast;

import java.util.HashSet;
import java.util.Set;

/**
 * One app's broadcast listeners on a node and the paced notification of them: a broadcast starts a
 * round over a snapshot of the listeners, told a slice per tick by {@link #tell}. A broadcast that
 * arrives during a round starts another round once it ends, so a listener may hear twice of the
 * same broadcasts (listeners only re-read the replica, so that is harmless) and never misses one. A
 * listener removed during a round is skipped. A round costs one array, not a queue entry per
 * listener and broadcast.
 *
 * <p>Not thread-safe: owned by one thread, the {@link BroadcastHub} actor (sessions and followers
 * of the feed) or a gateway event loop (its connections that deliver broadcasts).
 */
public final class ListenerRounds {

  private static final Runnable[] NONE = new Runnable[0];

  private final Set<Runnable> listeners = new HashSet<>();
  private Runnable[] round = NONE;
  private int next;
  private boolean again;

  /**
   * @return whether {@code listener} is new
   */
  public boolean add(Runnable listener) {
    return listeners.add(listener);
  }

  public void remove(Runnable listener) {
    listeners.remove(listener);
  }

  /**
   * New broadcasts: every listener is to be told (in this round if none runs, else in the next).
   */
  public void broadcastArrived() {
    if (next < round.length) again = true; // a round runs
    else startRound();
  }

  /** Whether listeners are still to be told. */
  public boolean pending() {
    return next < round.length || again;
  }

  /**
   * Tells the next listeners of the round (and of the round due after it), at most {@code budget}
   * of them.
   */
  public void tell(long budget) {
    while (budget > 0) {
      if (next >= round.length) {
        if (!again) break;
        startRound();
        continue;
      }
      Runnable listener = round[next++];
      if (!listeners.contains(listener)) continue; // removed since the round began
      listener.run();
      budget--;
    }
    if (!pending()) {
      round = NONE; // let the snapshot go
      next = 0;
    }
  }

  /** Whether no listener is left. */
  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  private void startRound() {
    round = listeners.toArray(NONE);
    next = 0;
    again = false;
  }
}
