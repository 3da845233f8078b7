package io.pushgate.session;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Limits and timings of session entities, from {@code pushgate.session} (reference.conf).
 *
 * @param maxPending most QoS 1 messages a session stores unacked (default 1000)
 * @param maxPendingBytes most bytes of pending payload a session stores (default 1 MiB); past
 *     either limit the app's overflow policy applies
 * @param idlePassivation how long a session without connection stays in memory after its last
 *     activity (default 2 min), so a quick reconnect finds it warm
 * @param snapshotEvery events between snapshots; events covered by a snapshot are deleted (default
 *     100)
 * @param maxDeliveries deliveries without ack after which a message is given up on as undeliverable
 *     (default 10)
 * @param statusRetention how long the fate of an ended message stays queryable (default 24 h)
 * @param maxStatusRecords most ended-message records a session keeps for status queries (default
 *     1000; the oldest go first)
 * @param maxTopics most server-side topic subscriptions a session keeps (default 64)
 * @param ackFlushCount lazy acks: most acked messages whose ack may wait unwritten (default 64); 1
 *     writes every ack at once
 * @param ackFlushDelay lazy acks: longest time an ack waits unwritten (default 1 s)
 * @param broadcastAckFlushDelay lazy broadcast acks: longest time a broadcast ack (the session's
 *     cursor into its app's broadcast log) waits unwritten (default 10 s); ack-flush-count bounds
 *     how many broadcasts it may cover
 * @param maxDevices most mobile push devices a user registers (default 10)
 * @param connectedIdlePassivation how long a session whose connection stays open, with nothing
 *     pending and nothing in flight, stays in memory after its last activity before it passivates
 *     ("parks"; default 2 min in reference.conf); the next message, ack or status request wakes it.
 *     Zero: never while connected
 */
public record SessionSettings(
    int maxPending,
    long maxPendingBytes,
    Duration idlePassivation,
    int snapshotEvery,
    int maxDeliveries,
    Duration statusRetention,
    int maxStatusRecords,
    int maxTopics,
    int ackFlushCount,
    Duration ackFlushDelay,
    Duration broadcastAckFlushDelay,
    int maxDevices,
    Duration connectedIdlePassivation) {

  public SessionSettings {
    if (maxPending < 1) throw new IllegalArgumentException("max-pending must be >= 1");
    if (maxPendingBytes < 1) throw new IllegalArgumentException("max-pending-bytes must be >= 1");
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshot-every must be >= 1");
    if (maxDeliveries < 1) throw new IllegalArgumentException("max-deliveries must be >= 1");
    if (maxStatusRecords < 0) throw new IllegalArgumentException("max-status-records must be >= 0");
    if (maxTopics < 0) throw new IllegalArgumentException("max-topics must be >= 0");
    if (ackFlushCount < 1) throw new IllegalArgumentException("ack-flush-count must be >= 1");
    if (ackFlushDelay.isNegative() || ackFlushDelay.isZero()) {
      throw new IllegalArgumentException("ack-flush-delay must be > 0");
    }
    if (broadcastAckFlushDelay.isNegative() || broadcastAckFlushDelay.isZero()) {
      throw new IllegalArgumentException("broadcast-ack-flush-delay must be > 0");
    }
    if (maxDevices < 0) throw new IllegalArgumentException("max-devices must be >= 0");
    if (connectedIdlePassivation.isNegative()) {
      throw new IllegalArgumentException("connected-idle-passivation must be >= 0 (0: off)");
    }
  }

  /**
   * With the default of 64 server-side topic subscriptions, every ack written at once and no
   * parking (tests).
   */
  public SessionSettings(
      int maxPending,
      long maxPendingBytes,
      Duration idlePassivation,
      int snapshotEvery,
      int maxDeliveries,
      Duration statusRetention,
      int maxStatusRecords) {
    this(
        maxPending,
        maxPendingBytes,
        idlePassivation,
        snapshotEvery,
        maxDeliveries,
        statusRetention,
        maxStatusRecords,
        64,
        1,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        10,
        Duration.ZERO);
  }

  /**
   * These settings with lazy acks: {@code count} and {@code delay} as ack-flush-count and both
   * flush delays.
   */
  public SessionSettings withLazyAcks(int count, Duration delay) {
    return new SessionSettings(
        maxPending,
        maxPendingBytes,
        idlePassivation,
        snapshotEvery,
        maxDeliveries,
        statusRetention,
        maxStatusRecords,
        maxTopics,
        count,
        delay,
        delay,
        maxDevices,
        connectedIdlePassivation);
  }

  /**
   * These settings with sessions parking after {@code idle} with their connection open (zero:
   * never).
   */
  public SessionSettings withConnectedIdlePassivation(Duration idle) {
    return new SessionSettings(
        maxPending,
        maxPendingBytes,
        idlePassivation,
        snapshotEvery,
        maxDeliveries,
        statusRetention,
        maxStatusRecords,
        maxTopics,
        ackFlushCount,
        ackFlushDelay,
        broadcastAckFlushDelay,
        maxDevices,
        idle);
  }

  /** Whether sessions park while connected. */
  public boolean parksConnected() {
    return !connectedIdlePassivation.isZero();
  }

  /** Settings with the default byte limit, delivery guard and status retention. */
  public SessionSettings(int maxPending, Duration idlePassivation, int snapshotEvery) {
    this(maxPending, 1 << 20, idlePassivation, snapshotEvery, 10, Duration.ofHours(24), 1000);
  }

  public static SessionSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.session");
    return new SessionSettings(
        c.getInt("max-pending"),
        c.getBytes("max-pending-bytes"),
        c.getDuration("idle-passivation"),
        c.getInt("snapshot-every"),
        c.getInt("max-deliveries"),
        c.getDuration("status-retention"),
        c.getInt("max-status-records"),
        c.getInt("max-topics"),
        c.getInt("ack-flush-count"),
        c.getDuration("ack-flush-delay"),
        c.getDuration("broadcast-ack-flush-delay"),
        c.getInt("max-devices"),
        c.getDuration("connected-idle-passivation"));
  }
}
