package io.pushgate.gateway.connection;

import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.gateway.transport.Transport;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One binding's QoS 1 broadcasts when its connection delivers them itself, the way topic messages
 * reach connections: from the node's replica ({@link BroadcastFeed}) as one frame encoded per node,
 * with the session's delivery rules kept here (bseq order, at most {@code window} unacked, nothing
 * expired or sent before the session came into being, every unacked one again after a re-attach).
 * The client's cumulative acks are clamped to what was delivered, held, and told to the session at
 * most once per {@code ack-report-delay} (or sooner, with a message ack), so a broadcast costs the
 * session no message per delivery; a crash of this node before a report delivers those broadcasts
 * again (at-least-once).
 *
 * <p>Confined to the connection's event loop: it is woken there by its loop's group ({@link
 * BroadcastLoops}), not by the feed's hub.
 */
final class BroadcastDelivery {

  /** Where this delivery writes and schedules; all run on the connection's event loop. */
  record Outlet(
      Transport transport,
      Consumer<BroadcastEntry> writer,
      LongConsumer reporter,
      LongSupplier clock) {}

  private final String app;
  private final BroadcastFeed feed;
  private final BroadcastLoops loops;
  private final Outlet out;

  /** One instance: what the loop's group runs when there is news. */
  private final Runnable pumpTask = this::pump;

  /**
   * What this delivery is known by in its loop's group: {@link #pumpTask}, or a hop to it on the
   * connection's executor when the loop may not call into the connection directly; null until it
   * follows.
   */
  private Runnable member;

  /**
   * The executor {@link #member} follows on (the group's key), kept: a transport's executor need
   * not be the same object on every call.
   */
  private Executor followedOn;

  /** Attached with a cursor from a session that leaves delivery to the connection. */
  private boolean started;

  private boolean stopped;
  private long createdAtMillis;

  /** The client's cumulative ack, or the session's cursor if that is further. */
  private long acked;

  /** The highest bseq written (or stepped over) since the last start. */
  private long deliveredUpTo;

  /** Written, not acked: at most {@code window}. */
  private final BseqRing inFlight;

  /** The cumulative ack the session was told (or started from). */
  private long reportedUpTo;

  private Transport.Timer reportTimer;

  /** One instance for every report this binding schedules. */
  private final Runnable reportTask = this::report;

  /**
   * The session is parked: acks are held (a report would wake it), until it wakes or the binding
   * ends.
   */
  private boolean holdingReports;

  BroadcastDelivery(String app, BroadcastLoops loops, int window, Outlet out) {
    this.app = app;
    this.loops = loops;
    this.feed = loops.feed();
    this.inFlight = new BseqRing(Math.max(1, window));
    this.out = out;
  }

  /**
   * The session attached (again) and leaves delivery to the connection: every live broadcast after
   * its cursor (or after the client's own ack, if further: the session may have lost unwritten
   * acks) that is not older than the session is delivered, unacked ones again.
   */
  void start(long sessionCursor, long sessionCreatedAtMillis) {
    if (stopped) return;
    started = true;
    createdAtMillis = sessionCreatedAtMillis;
    reportedUpTo = sessionCursor;
    acked = Math.max(acked, sessionCursor);
    deliveredUpTo = acked;
    inFlight.clear();
    if (acked > reportedUpTo) scheduleReport(); // the new session has not heard of it
    if (member == null) {
      Transport.Loop loop = out.transport().loop();
      member = loop.direct() ? pumpTask : this::pumpOnOwnExecutor;
      followedOn = loop.executor();
      loops.follow(app, loop, member);
    }
    pump();
  }

  /** The session delivers broadcasts itself this time (a session of an older node). */
  void suspend() {
    started = false;
    inFlight.clear();
  }

  /**
   * Whether the connection delivers this binding's broadcasts now (else its acks go to the session
   * as they come).
   */
  boolean active() {
    return started && !stopped;
  }

  /**
   * The client acked every broadcast up to {@code bseq}; clamped to what was delivered.
   *
   * @return whether it moved the cursor
   */
  boolean ack(long bseq) {
    if (!active()) return false;
    long upTo = Math.min(bseq, deliveredUpTo);
    if (upTo <= acked) return false;
    acked = upTo;
    inFlight.removeUpTo(upTo);
    scheduleReport();
    pump();
    return true;
  }

  /**
   * While the session is parked, acks are held rather than reported (each report would wake it from
   * the journal; a broadcast to every parked session would wake them all). Bounded by the broadcast
   * log: a crash of this node while they are held delivers those broadcasts again. Released when
   * the session wakes (reported then) or with {@link #stop}.
   */
  void holdReports(boolean hold) {
    holdingReports = hold;
    if (!hold && acked > reportedUpTo) scheduleReport();
  }

  /** The cumulative ack the session has not been told yet, now counted as told; 0 if none. */
  long takeUnreported() {
    if (acked <= reportedUpTo) return 0;
    reportedUpTo = acked;
    return acked;
  }

  /** From a loop that may not call into the connection: hops to the connection's executor. */
  private void pumpOnOwnExecutor() {
    try {
      out.transport().executor().execute(pumpTask);
    } catch (RejectedExecutionException e) {
      // the connection is gone; its binding leaves the group when it stops
    }
  }

  /** Writes what is new, in bseq order, while fewer than {@code window} are unacked. */
  void pump() {
    if (!active() || inFlight.isFull()) return;
    long now = out.clock().getAsLong();
    for (BroadcastEntry e : feed.after(app, deliveredUpTo)) {
      if (inFlight.isFull()) break;
      deliveredUpTo = e.bseq();
      // never for this session: stepped over (a later cumulative ack covers it)
      if (e.isExpired(now) || e.sentAtMillis() < createdAtMillis) continue;
      out.writer().accept(e);
      inFlight.add(e.bseq());
    }
  }

  /**
   * The binding ends: no more notifications.
   *
   * @return the cumulative ack the session has not been told yet (to send before the detach), or 0
   */
  long stop() {
    stopped = true;
    if (reportTimer != null) reportTimer.cancel();
    if (member != null) loops.unfollow(app, followedOn, member);
    return takeUnreported();
  }

  private void scheduleReport() {
    if (reportTimer != null) return;
    Duration delay = feed.ackReportDelay();
    if (delay.isZero()) {
      report();
      return;
    }
    reportTimer = out.transport().schedule(delay, reportTask);
  }

  private void report() {
    reportTimer = null;
    if (stopped || holdingReports) return;
    long upTo = takeUnreported();
    if (upTo > 0) out.reporter().accept(upTo);
  }
}
