package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a session records into the node's meters: accepts, acks, drops, expiries, the pending gauge
 * (kept right across a restart, nothing counted twice on replay) and journal writes, failed ones
 * included. Each test uses its own app, so its counts are its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionMetricsTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final SessionSettings SETTINGS =
      new SessionSettings(5, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(24), 4);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = new MutableClock(NOW);

  SessionMetricsTest() {
    PushgateMeters.get(testKit.system()).add(registry);
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void acceptsAcksAndPendingAreCountedOnceAcrossARestart() {
    var session = session("counts:alice");
    enqueue(session, qos1("a"));
    enqueue(session, qos1("b"));
    assertEquals(2, count("pushgate.messages.accepted", "counts", "qos", "1"));
    assertEquals(2, pending("counts"));

    session.restart();
    assertEquals(2, pending("counts"), "the gauge after recovery holds the session's pending once");
    assertEquals(
        2, count("pushgate.messages.accepted", "counts", "qos", "1"), "replay counts nothing");

    TestProbe<ConnectionMessage> conn = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(new ConnectionInfo("c1", "n", "websocket", NOW), 64, conn.ref()));
    session.runCommand(new SessionCommand.Ack("c1", 2));
    assertEquals(2, count("pushgate.messages.acked", "counts"));
    assertEquals(0, pending("counts"));

    session.<EnqueueResult>runCommand(r -> new SessionCommand.Enqueue(qos0("z"), r));
    assertEquals(1, count("pushgate.messages.accepted", "counts", "qos", "0", "target", "session"));
    session.runCommand(new SessionCommand.Detach("c1"));
    session.<EnqueueResult>runCommand(r -> new SessionCommand.Enqueue(qos0("y"), r));
    assertEquals(1, count("pushgate.messages.dropped", "counts", "reason", "offline"));
    assertTrue(
        registry.get("pushgate.journal.write").timer().count() >= 3, "journal writes are timed");
  }

  @Test
  void expiredOverflowedAndReplacedMessagesAreCounted() {
    var session = session("fates:alice");
    enqueue(session, new PushMessage("short", Qos.AT_LEAST_ONCE, "1", NOW, NOW + 1_000));
    clock.set(NOW + 2_000);
    session.runCommand(SessionCommand.ExpiryCheck.INSTANCE);
    assertEquals(1, count("pushgate.messages.expired", "fates"));

    PushMessage keyed =
        new PushMessage("k1", Qos.AT_LEAST_ONCE, "1", NOW, NOW + 3_600_000, "score");
    enqueue(session, keyed);
    enqueue(session, new PushMessage("k2", Qos.AT_LEAST_ONCE, "2", NOW, NOW + 3_600_000, "score"));
    assertEquals(1, count("pushgate.messages.dropped", "fates", "reason", "replaced"));
    assertEquals(1, pending("fates"));
    clock.set(NOW);
  }

  @Test
  void aFailedJournalWriteIsCountedAndTheSessionStops() {
    var entity =
        testKit.spawn(
            SessionEntity.create("failing:alice", null, SessionDeps.of(SETTINGS).withClock(clock)));
    TestProbe<EnqueueResult> replies = testKit.createTestProbe();
    PersistenceTestKit.create(testKit.system()).failNextPersisted();
    double before = registry.get("pushgate.journal.write.failures").counter().count();
    entity.tell(new SessionCommand.Enqueue(qos1("lost"), replies.ref()));
    replies.expectTerminated(entity);
    assertEquals(before + 1, registry.get("pushgate.journal.write.failures").counter().count());
    replies.expectNoMessage(Duration.ofMillis(100));
  }

  // ---- helpers ----

  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session(
      String entityId) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        SessionEntity.create(entityId, null, SessionDeps.of(SETTINGS).withClock(clock)));
  }

  private static void enqueue(
      EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> s, PushMessage m) {
    s.<EnqueueResult>runCommand(r -> new SessionCommand.Enqueue(m, r));
  }

  private double count(String name, String app, String... tags) {
    return registry.get(name).tag("app", app).tags(tags).counter().count();
  }

  private double pending(String app) {
    return registry.get("pushgate.messages.pending").tag("app", app).gauge().value();
  }

  private static PushMessage qos1(String id) {
    return new PushMessage(id, Qos.AT_LEAST_ONCE, "{}", NOW, NOW + 3_600_000);
  }

  private static PushMessage qos0(String id) {
    return new PushMessage(id, Qos.AT_MOST_ONCE, "{}", NOW, NOW + 3_600_000);
  }
}
