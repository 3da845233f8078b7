package io.pushgate.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.MessageStatus.Fate;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionEvent.DeliveryRoundEnded;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fates of QoS 1 messages in a session: expired, replaced (collapse key), dropped or rejected
 * (bounded queue), undeliverable (give-up guard), and their status records. Serialization checks
 * are on for every command, event and state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFatesTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final int MAX_PENDING = 3;
  private static final int MAX_DELIVERIES = 3;
  private static final int MAX_STATUS_RECORDS = 4;

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connections;

  @BeforeEach
  void freshSession() {
    clock.set(NOW);
    session = sessionWithByteLimit(1 << 20);
  }

  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState>
      sessionWithByteLimit(long maxBytes) {
    SessionSettings settings =
        new SessionSettings(
            MAX_PENDING,
            maxBytes,
            Duration.ofMinutes(2),
            100,
            MAX_DELIVERIES,
            Duration.ofHours(1),
            MAX_STATUS_RECORDS);
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        SessionEntity.create("demo:bob", null, SessionDeps.of(settings).withClock(clock)));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void expiredMessageLeavesTheQueueWithoutAnyConnection() {
    enqueue(message("short", 200, null), OverflowPolicy.REJECT);
    enqueue(message("long", 3_600_000, null), OverflowPolicy.REJECT);
    clock.set(NOW + 1_000); // the expiry timer (200 ms) finds it expired when it fires
    await().atMost(Duration.ofSeconds(10)).until(() -> session.getState().pendingCount() == 1);
    assertEquals(Fate.EXPIRED, status("short").fate());
    assertEquals(Fate.PENDING, status("long").fate());
  }

  @Test
  void statusNeverCountsAnExpiredMessageAsPending() {
    enqueue(message("short", 60_000, null), OverflowPolicy.REJECT);
    clock.set(NOW + 120_000);
    SessionStatus status = session.<SessionStatus>runCommand(SessionCommand.GetStatus::new).reply();
    assertEquals(0, status.pending());
  }

  @Test
  void collapseKeyReplacesThePendingMessageWithTheSameKey() {
    enqueue(message("count-1", 3_600_000, "unread"), OverflowPolicy.REJECT);
    enqueue(message("other", 3_600_000, null), OverflowPolicy.REJECT);
    EnqueueResult second = enqueue(message("count-2", 3_600_000, "unread"), OverflowPolicy.REJECT);
    assertEquals(Outcome.QUEUED, second.outcome());
    assertEquals("count-1", second.replacedId());
    assertEquals(List.of("other", "count-2"), pendingIds());
    assertEquals(Fate.REPLACED, status("count-1").fate());
  }

  @Test
  void rejectPolicyRefusesWhenFullAndKeepsWhatIsQueued() {
    for (int i = 1; i <= MAX_PENDING; i++)
      enqueue(message("m" + i, 3_600_000, null), OverflowPolicy.REJECT);
    EnqueueResult refused = enqueue(message("late", 3_600_000, null), OverflowPolicy.REJECT);
    assertEquals(Outcome.QUEUE_FULL, refused.outcome());
    assertEquals(List.of("m1", "m2", "m3"), pendingIds());
    assertEquals(Fate.UNKNOWN, status("late").fate());
  }

  @Test
  void dropOldestMakesRoomAndReportsWhatItDropped() {
    for (int i = 1; i <= MAX_PENDING; i++)
      enqueue(message("m" + i, 3_600_000, null), OverflowPolicy.DROP_OLDEST);
    EnqueueResult result = enqueue(message("m4", 3_600_000, null), OverflowPolicy.DROP_OLDEST);
    assertEquals(Outcome.QUEUED, result.outcome());
    assertEquals(List.of("m1"), result.droppedIds());
    assertEquals(List.of("m2", "m3", "m4"), pendingIds());
    assertEquals(Fate.DROPPED, status("m1").fate());
  }

  @Test
  void pendingBytesAreBoundedToo() {
    session = sessionWithByteLimit(300);
    PushMessage big =
        new PushMessage(
            "big1", Qos.AT_LEAST_ONCE, "\"" + "x".repeat(200) + "\"", NOW, NOW + 3_600_000);
    PushMessage big2 =
        new PushMessage(
            "big2", Qos.AT_LEAST_ONCE, "\"" + "y".repeat(200) + "\"", NOW, NOW + 3_600_000);
    assertEquals(Outcome.QUEUED, enqueue(big, OverflowPolicy.REJECT).outcome());
    assertEquals(Outcome.QUEUE_FULL, enqueue(big2, OverflowPolicy.REJECT).outcome());
    EnqueueResult dropped = enqueue(big2, OverflowPolicy.DROP_OLDEST);
    assertEquals(List.of("big1"), dropped.droppedIds());
    PushMessage huge =
        new PushMessage(
            "huge", Qos.AT_LEAST_ONCE, "\"" + "z".repeat(400) + "\"", NOW, NOW + 3_600_000);
    assertEquals(Outcome.QUEUE_FULL, enqueue(huge, OverflowPolicy.DROP_OLDEST).outcome());
  }

  @Test
  void clientThatNeverAcksMakesTheMessageUndeliverableAfterMaxDeliveries() {
    enqueue(message("stuck", 3_600_000, null), OverflowPolicy.REJECT);
    for (int round = 1; round <= MAX_DELIVERIES; round++) {
      TestProbe<ConnectionMessage> conn = attach();
      conn.expectMessageClass(Attached.class);
      assertEquals("stuck", conn.expectMessageClass(Push.class).id());
      var detached = session.runCommand(new SessionCommand.Detach(connectionId()));
      DeliveryRoundEnded ended = (DeliveryRoundEnded) detached.event();
      assertEquals(round == MAX_DELIVERIES ? List.of(1L) : List.of(), ended.undeliverableSeqs());
      if (round < MAX_DELIVERIES) assertEquals(round, status("stuck").deliveries());
    }
    MessageStatus gaveUp = status("stuck");
    assertEquals(Fate.UNDELIVERABLE, gaveUp.fate());
    assertEquals(MAX_DELIVERIES, gaveUp.deliveries());
    SessionStatus status = session.<SessionStatus>runCommand(SessionCommand.GetStatus::new).reply();
    assertEquals(0, status.pending());
    assertEquals(1, status.undeliverable());

    TestProbe<ConnectionMessage> next = attach();
    assertEquals(0, next.expectMessageClass(Attached.class).pending());
    next.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void deliveryCountsSurviveRestart() {
    enqueue(message("m1", 3_600_000, null), OverflowPolicy.REJECT);
    TestProbe<ConnectionMessage> conn = attach();
    conn.expectMessageClass(Attached.class);
    conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Detach(connectionId()));
    session.restart();
    assertEquals(1, status("m1").deliveries());
  }

  @Test
  void ackedMessageIsReportedAckedAndRecordsAreBounded() {
    TestProbe<ConnectionMessage> conn = attach();
    conn.expectMessageClass(Attached.class);
    for (int i = 1; i <= 6; i++) {
      enqueue(message("a" + i, 3_600_000, null), OverflowPolicy.REJECT);
      assertEquals(i, conn.expectMessageClass(Push.class).seq());
      session.runCommand(new SessionCommand.Ack(connectionId(), i));
    }
    assertEquals(Fate.ACKED, status("a6").fate());
    assertEquals(6, status("a6").seq());
    assertEquals(Fate.UNKNOWN, status("a1").fate(), "oldest record beyond max-status-records");
    assertEquals(Fate.UNKNOWN, status("never-sent").fate());
    assertFalse(session.getState().pendingById("a6").isPresent());
  }

  @Test
  void stateWithFatesSurvivesRestart() {
    enqueue(message("c1", 3_600_000, "k"), OverflowPolicy.REJECT);
    EnqueueResult r = enqueue(message("c2", 3_600_000, "k"), OverflowPolicy.REJECT);
    assertEquals("c1", r.replacedId());
    session.restart();
    assertEquals(Fate.REPLACED, status("c1").fate());
    assertEquals(Fate.PENDING, status("c2").fate());
    assertTrue(session.getState().pendingByCollapseKey("k").isPresent());
    assertNull(enqueue(message("c3", 3_600_000, null), OverflowPolicy.REJECT).replacedId());
  }

  // ---- helpers ----

  private EnqueueResult enqueue(PushMessage message, OverflowPolicy overflow) {
    return session
        .<EnqueueResult>runCommand(
            replyTo -> new SessionCommand.Enqueue(message, overflow, replyTo))
        .reply();
  }

  private MessageStatus status(String id) {
    return session
        .<MessageStatus>runCommand(replyTo -> new SessionCommand.GetMessageStatus(id, replyTo))
        .reply();
  }

  private TestProbe<ConnectionMessage> attach() {
    connections++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId(), "node-1", "websocket", clock.millis()),
            64,
            probe.ref()));
    return probe;
  }

  private String connectionId() {
    return "conn-" + connections;
  }

  private List<String> pendingIds() {
    return session.getState().pendingList().stream().map(p -> p.message().id()).toList();
  }

  private static PushMessage message(String id, long ttlMillis, String collapseKey) {
    return new PushMessage(
        id, Qos.AT_LEAST_ONCE, "{\"id\":\"" + id + "\"}", NOW, NOW + ttlMillis, collapseKey);
  }
}
