package io.pushgate.session;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Limits and timings of session entities, from {@code pushgate.session} (session.conf).
 *
 * @param maxPending       most QoS 1 messages a session stores unacked (default 1000); past it
 *                         new messages are refused with {@code QUEUE_FULL}
 * @param idlePassivation  how long a session without connection stays in memory after its last
 *                         activity (default 2 min), so a quick reconnect finds it warm
 * @param snapshotEvery    events between snapshots; events covered by a snapshot are deleted
 *                         (default 100)
 */
public record SessionSettings(int maxPending, Duration idlePassivation, int snapshotEvery) {

  public SessionSettings {
    if (maxPending < 1) throw new IllegalArgumentException("max-pending must be >= 1");
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshot-every must be >= 1");
  }

  public static SessionSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.session");
    return new SessionSettings(
        c.getInt("max-pending"), c.getDuration("idle-passivation"), c.getInt("snapshot-every"));
  }
}
