package io.pushgate.gateway.connection;

import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.broadcast.BroadcastFeed;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A node's replica of an app's live broadcasts as a list, for tests: entries are added by the test,
 * and its listeners run when the test says there is news ({@link #news}), as the hub would.
 */
public final class ListBroadcastFeed implements BroadcastFeed {

  public final List<BroadcastEntry> entries = new CopyOnWriteArrayList<>();
  public final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
  private final Duration ackReportDelay;

  public ListBroadcastFeed(Duration ackReportDelay) {
    this.ackReportDelay = ackReportDelay;
  }

  public void add(BroadcastEntry e) {
    entries.add(e);
  }

  /** Runs every listener, as the hub does when the app has new broadcasts. */
  public void news() {
    listeners.forEach(Runnable::run);
  }

  @Override
  public List<BroadcastEntry> after(String app, long bseq) {
    return entries.stream().filter(e -> e.bseq() > bseq).toList();
  }

  @Override
  public void follow(String app, Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void unfollow(String app, Runnable listener) {
    listeners.remove(listener);
  }

  @Override
  public Duration ackReportDelay() {
    return ackReportDelay;
  }
}
