package io.pushgate.broadcast;

import java.time.Duration;
import java.util.List;

/**
 * A node's QoS 1 broadcasts as its gateway connections read them when they deliver broadcasts
 * themselves (the way topic messages reach connections): the node's replica of each app's live
 * broadcasts and a way to hear of new ones. Implemented by {@link Broadcasts}; every method is
 * non-blocking and thread-safe.
 */
public interface BroadcastFeed {

  /**
   * The live broadcasts of {@code app} with bseq greater than {@code bseq}, in bseq order, as this
   * node knows them; expired entries may be included (callers skip them).
   */
  List<BroadcastEntry> after(String app, long bseq);

  /**
   * Runs {@code listener} whenever {@code app} has new broadcasts on this node (and once when the
   * node first loads the app), on the node's broadcast hub thread and paced at the app's send rate
   * per node like session notifications: it must only hand over to its own thread. Until {@link
   * #unfollow}.
   */
  void follow(String app, Runnable listener);

  /** No more notifications for {@code listener} (the same instance given to {@link #follow}). */
  void unfollow(String app, Runnable listener);

  /**
   * How long a connection may hold its client's broadcast acks before telling the session ({@code
   * pushgate.broadcast.ack-report-delay}).
   */
  Duration ackReportDelay();
}
