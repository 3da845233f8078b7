package io.pushgate.persistence;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionSharding;
import io.pushgate.session.SessionStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The real session entity, through sharding on a single-node cluster, on the real journal: QoS 1
 * messages and an ack are persisted, snapshots are written and the events they cover are deleted,
 * and a new actor system recovers the session. Shared by the H2 test and the MariaDB IT.
 */
final class SessionJournalScenario {

  static final int SNAPSHOT_EVERY = 3;
  static final int MESSAGES = 19;
  static final int ACKED = 5;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
  private static final long WAIT_SECONDS = 60;

  private final DatabaseSettings database;
  private final SessionId sessionId;
  private final String persistenceId;

  SessionJournalScenario(DatabaseSettings database) {
    this.database = database;
    // Unique per run: the MariaDB `test` database is shared and never wiped.
    this.sessionId = new SessionId("demo", "journal-" + UUID.randomUUID());
    this.persistenceId = SessionSharding.TYPE_KEY.name() + "|" + sessionId.entityId();
  }

  void run() throws Exception {
    SchemaMigrator.migrate(database);

    ActorSystem<Void> first = startNode();
    try {
      persistMessagesAndAck(first);
      awaitSnapshotAndCompaction();
    } finally {
      terminate(first);
    }

    ActorSystem<Void> second = startNode();
    try {
      recover(second);
    } finally {
      terminate(second);
    }
  }

  /** Removes this run's rows (best effort, keeps the shared database small). */
  void deleteRows() throws SQLException {
    try (Connection c = connect()) {
      for (String table : new String[] {"event_journal", "snapshot"}) {
        try (PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM " + q(table) + " WHERE " + q("persistence_id") + " = ?")) {
          s.setString(1, persistenceId);
          s.executeUpdate();
        }
      }
    }
  }

  private void persistMessagesAndAck(ActorSystem<Void> system) throws Exception {
    EntityRef<SessionCommand> session = SessionSharding.init(system).session(sessionId);
    long now = System.currentTimeMillis();
    for (int i = 1; i <= MESSAGES; i++) {
      PushMessage message =
          new PushMessage("m" + i, Qos.AT_LEAST_ONCE, "{\"n\":" + i + "}", now, now + 3_600_000);
      EnqueueResult result =
          session
              .<EnqueueResult>ask(
                  replyTo -> new SessionCommand.Enqueue(message, replyTo), ASK_TIMEOUT)
              .toCompletableFuture()
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(EnqueueResult.Outcome.QUEUED, result.outcome(), "message " + i);
      assertEquals(i, result.seq());
    }

    TestProbe<ConnectionMessage> connection = TestProbe.create(system);
    session.tell(
        new SessionCommand.Attach(
            new ConnectionInfo("conn-1", "test", "test", now), 100, connection.getRef()));
    ConnectionMessage.Attached attached =
        connection.expectMessageClass(
            ConnectionMessage.Attached.class, Duration.ofSeconds(WAIT_SECONDS));
    assertEquals(MESSAGES, attached.pending());
    for (int i = 1; i <= MESSAGES; i++) {
      ConnectionMessage.Push push =
          connection.expectMessageClass(
              ConnectionMessage.Push.class, Duration.ofSeconds(WAIT_SECONDS));
      assertEquals(i, push.seq());
    }
    session.tell(new SessionCommand.Ack("conn-1", ACKED));

    SessionStatus status = status(session);
    assertEquals(MESSAGES - ACKED, status.pending());
    assertEquals(ACKED, status.ackedSeq());
  }

  /**
   * 20 events (19 queued, 1 acked) with a snapshot every 3: the newest snapshot is at 18, and with
   * the entity's retention (keep 2 snapshots, delete events on snapshot) the events up to 12 are
   * deleted. Asserted loosely: a snapshot exists and no live event of the first 6 is left.
   */
  private void awaitSnapshotAndCompaction() {
    int events = MESSAGES + 1;
    long newestSnapshot = (events / SNAPSHOT_EVERY) * (long) SNAPSHOT_EVERY;
    await()
        .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertEquals(newestSnapshot, maxSnapshotSeq());
              assertEquals(0, liveEventsUpTo(2L * SNAPSHOT_EVERY));
              assertTrue(rows("event_journal") < events, "events covered by snapshots are deleted");
            });
  }

  private void recover(ActorSystem<Void> system) throws Exception {
    EntityRef<SessionCommand> session = SessionSharding.init(system).session(sessionId);
    SessionStatus status = status(session);
    assertEquals(MESSAGES - ACKED, status.pending());
    assertEquals(MESSAGES, status.lastSeq());
    assertEquals(ACKED, status.ackedSeq());

    TestProbe<ConnectionMessage> connection = TestProbe.create(system);
    long now = System.currentTimeMillis();
    session.tell(
        new SessionCommand.Attach(
            new ConnectionInfo("conn-2", "test", "test", now), 100, connection.getRef()));
    ConnectionMessage.Attached attached =
        connection.expectMessageClass(
            ConnectionMessage.Attached.class, Duration.ofSeconds(WAIT_SECONDS));
    assertEquals(MESSAGES - ACKED, attached.pending());
    for (int seq = ACKED + 1; seq <= MESSAGES; seq++) {
      ConnectionMessage.Push push =
          connection.expectMessageClass(
              ConnectionMessage.Push.class, Duration.ofSeconds(WAIT_SECONDS));
      assertEquals(seq, push.seq());
      assertEquals("m" + seq, push.id());
      assertEquals("{\"n\":" + seq + "}", push.data());
    }
  }

  private static SessionStatus status(EntityRef<SessionCommand> session) throws Exception {
    return session
        .<SessionStatus>ask(SessionCommand.GetStatus::new, ASK_TIMEOUT)
        .toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private ActorSystem<Void> startNode() {
    Config base =
        ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.provider = cluster",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.loglevel = WARNING",
                "pushgate.session.snapshot-every = " + SNAPSHOT_EVERY));
    Config config =
        JournalConfig.forDatabase(database)
            .withFallback(base)
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "pushgate-journal-test", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await()
        .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
    return system;
  }

  private static void terminate(ActorSystem<Void> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  // ---- direct reads of the journal tables ----

  private long maxSnapshotSeq() throws SQLException {
    return queryLong(
        "SELECT COALESCE(MAX("
            + q("sequence_number")
            + "), 0) FROM "
            + q("snapshot")
            + " WHERE "
            + q("persistence_id")
            + " = ?");
  }

  private long liveEventsUpTo(long seq) throws SQLException {
    return queryLong(
        "SELECT COUNT(*) FROM "
            + q("event_journal")
            + " WHERE "
            + q("persistence_id")
            + " = ? AND "
            + q("deleted")
            + " = FALSE AND "
            + q("sequence_number")
            + " <= "
            + seq);
  }

  private long rows(String table) throws SQLException {
    return queryLong("SELECT COUNT(*) FROM " + q(table) + " WHERE " + q("persistence_id") + " = ?");
  }

  private long queryLong(String sql) throws SQLException {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, persistenceId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.url(), database.user(), database.password());
  }

  /** H2's tables have quoted lower-case names; MariaDB's are plain. */
  private String q(String identifier) {
    return database.kind() == DatabaseKind.H2 ? "\"" + identifier + "\"" : identifier;
  }
}
