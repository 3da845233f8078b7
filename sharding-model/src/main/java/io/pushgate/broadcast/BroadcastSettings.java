package io.pushgate.broadcast;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Limits and timings of app-wide broadcasts, from {@code pushgate.broadcast} (reference.conf).
 *
 * @param maxLive most live (unexpired, not replaced) QoS 1 broadcasts one app keeps; past it a new
 *     broadcast is refused (API: 429 {@code broadcast_log_full})
 * @param maxEnded ended broadcasts whose fate stays queryable, per app
 * @param snapshotEvery log events between snapshots (events covered are deleted)
 * @param syncInterval how often each node's replica asks the log for entries it may have missed
 *     (cluster pub/sub is at-most-once); bounds how late a lost notification is noticed
 * @param ackReportInterval how often each node reports its sessions' broadcast acks to the log (the
 *     ack counts of the status endpoint lag by this much)
 * @param askTimeout bound of one ask to a log (session start, replica sync)
 * @param connectionDelivery whether gateway connections deliver broadcasts themselves from their
 *     node's replica ({@code delivery = connection}) instead of their sessions ({@code delivery =
 *     session}); see {@link BroadcastFeed}
 * @param ackReportDelay with connection delivery: how long a connection holds its client's
 *     broadcast acks before telling the session (one message per delay and connection instead of
 *     one per ack; a gateway crash redelivers what was held)
 */
public record BroadcastSettings(
    int maxLive,
    int maxEnded,
    int snapshotEvery,
    Duration syncInterval,
    Duration ackReportInterval,
    Duration askTimeout,
    boolean connectionDelivery,
    Duration ackReportDelay) {

  public BroadcastSettings {
    if (maxLive < 1) throw new IllegalArgumentException("max-live must be >= 1");
    if (maxEnded < 0) throw new IllegalArgumentException("max-ended must be >= 0");
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshot-every must be >= 1");
    if (ackReportDelay.isNegative())
      throw new IllegalArgumentException("ack-report-delay must be >= 0");
  }

  public static BroadcastSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.broadcast");
    return new BroadcastSettings(
        c.getInt("max-live"),
        c.getInt("max-ended"),
        c.getInt("snapshot-every"),
        c.getDuration("sync-interval"),
        c.getDuration("ack-report-interval"),
        c.getDuration("ask-timeout"),
        delivery(c.getString("delivery")),
        c.getDuration("ack-report-delay"));
  }

  private static boolean delivery(String value) {
    return switch (value) {
      case "connection" -> true;
      case "session" -> false;
      default ->
          throw new IllegalArgumentException(
              "pushgate.broadcast.delivery must be connection or session: " + value);
    };
  }

  /** Defaults for tests. */
  public static BroadcastSettings defaults() {
    return new BroadcastSettings(
        1000,
        1000,
        100,
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        true,
        Duration.ofSeconds(1));
  }
}
