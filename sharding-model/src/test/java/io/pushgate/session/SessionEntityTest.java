package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Disconnect;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesAcked;
import io.pushgate.session.SessionEvent.MessagesExpired;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Entity-level tests of {@link SessionEntity}: every command runs through the persistence testkit
 * with serialization checks of commands, events and state on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionEntityTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final int MAX_DELIVERIES = 3;
  private static final SessionSettings SETTINGS =
      new SessionSettings(
          5, 1 << 20, Duration.ofMinutes(2), 100, MAX_DELIVERIES, Duration.ofHours(24), 4);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connectionCounter;

  @BeforeEach
  void freshSession() {
    clock.set(NOW);
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create("demo:alice", null, SessionDeps.of(SETTINGS).withClock(clock)));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void qos1MessageIsPersistedDeliveredAckedAndGone() {
    CommandResultWithReply<SessionCommand, SessionEvent, SessionState, EnqueueResult> queued =
        enqueue(qos1("m1"));
    assertEquals(new EnqueueResult("m1", Outcome.QUEUED, 1), queued.reply());
    assertInstanceOf(MessageQueued.class, queued.event());
    assertEquals(1, queued.state().pendingCount());

    TestProbe<ConnectionMessage> conn = attach(64);
    assertEquals(1, conn.expectMessageClass(Attached.class).pending());
    Push push = conn.expectMessageClass(Push.class);
    assertEquals(
        new Push("m1", 1, 1, "{\"n\":\"m1\"}", NOW),
        push,
        "carries its accept time for the delivery latency");

    var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 1));
    assertEquals(1, ((MessagesAcked) acked.event()).upToSeq());
    assertEquals(0, acked.state().pendingCount());
    assertEquals(1, acked.state().ackedSeq());

    // a fresh connection does not see the acked message again
    TestProbe<ConnectionMessage> next = attach(64);
    assertEquals(0, next.expectMessageClass(Attached.class).pending());
    next.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void messageQueuedWhileAttachedIsPushedImmediately() {
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    enqueue(qos1("m1"));
    assertEquals(1, conn.expectMessageClass(Push.class).seq());
  }

  @Test
  void ackIsCumulative() {
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    for (int i = 1; i <= 3; i++) enqueue(qos1("m" + i));
    for (int i = 1; i <= 3; i++) assertEquals(i, conn.expectMessageClass(Push.class).seq());

    var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 2));
    assertEquals(2, ((MessagesAcked) acked.event()).upToSeq());
    assertEquals(List.of(3L), seqs(acked.state()));
  }

  @Test
  void unackedMessagesAreRedeliveredInOrderOnReattach() {
    for (int i = 1; i <= 3; i++) enqueue(qos1("m" + i));
    TestProbe<ConnectionMessage> first = attach(64);
    first.expectMessageClass(Attached.class);
    for (int i = 1; i <= 3; i++) first.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack(connectionId(), 1));
    session.runCommand(new SessionCommand.Detach(connectionId()));

    TestProbe<ConnectionMessage> second = attach(64);
    assertEquals(2, second.expectMessageClass(Attached.class).pending());
    assertEquals(2, second.expectMessageClass(Push.class).seq());
    assertEquals(3, second.expectMessageClass(Push.class).seq());
  }

  @Test
  void atMostWindowUnackedPushesAreInFlight() {
    for (int i = 1; i <= 5; i++) enqueue(qos1("m" + i));
    TestProbe<ConnectionMessage> conn = attach(2);
    conn.expectMessageClass(Attached.class);
    assertEquals(1, conn.expectMessageClass(Push.class).seq());
    assertEquals(2, conn.expectMessageClass(Push.class).seq());
    conn.expectNoMessage(Duration.ofMillis(200));

    session.runCommand(new SessionCommand.Ack(connectionId(), 1));
    assertEquals(3, conn.expectMessageClass(Push.class).seq());
    conn.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void ackBeyondWhatWasDeliveredIsClamped() {
    for (int i = 1; i <= 3; i++) enqueue(qos1("m" + i));
    TestProbe<ConnectionMessage> conn = attach(1);
    conn.expectMessageClass(Attached.class);
    conn.expectMessageClass(Push.class);

    var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 3));
    assertEquals(1, ((MessagesAcked) acked.event()).upToSeq());
    assertEquals(List.of(2L, 3L), seqs(acked.state()));
  }

  @Test
  void ackFromAConnectionThatIsNotAttachedIsIgnored() {
    enqueue(qos1("m1"));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    conn.expectMessageClass(Push.class);
    var result = session.runCommand(new SessionCommand.Ack("someone-else", 1));
    assertTrue(result.hasNoEvents());
  }

  @Test
  void qos0IsNeverPersistedAndDroppedWhenOffline() {
    var offline = enqueue(qos0("q1"));
    assertEquals(Outcome.OFFLINE, offline.reply().outcome());
    assertTrue(offline.hasNoEvents());

    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    var online = enqueue(qos0("q2"));
    assertEquals(Outcome.DELIVERED, online.reply().outcome());
    assertTrue(online.hasNoEvents());
    assertEquals(new Push("q2", 0, 0, "{\"n\":\"q2\"}", NOW), conn.expectMessageClass(Push.class));
  }

  @Test
  void queueIsBoundedAndRejectsWhenFull() {
    for (int i = 1; i <= SETTINGS.maxPending(); i++) {
      assertEquals(Outcome.QUEUED, enqueue(qos1("m" + i)).reply().outcome());
    }
    var rejected = enqueue(qos1("overflow"));
    assertEquals(Outcome.QUEUE_FULL, rejected.reply().outcome());
    assertTrue(rejected.hasNoEvents());
    assertEquals(SETTINGS.maxPending(), rejected.state().pendingCount());
  }

  @Test
  void stateSurvivesRestart() {
    for (int i = 1; i <= 3; i++) enqueue(qos1("m" + i));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    session.runCommand(new SessionCommand.Ack(connectionId(), 1));

    var restarted = session.restart();
    assertEquals(List.of(2L, 3L), seqs(restarted.state()));
    assertEquals(1, restarted.state().ackedSeq());
    assertEquals(3, restarted.state().lastSeq());
    // sequence numbers keep increasing after recovery
    assertEquals(4, enqueue(qos1("m4")).reply().seq());
  }

  @Test
  void newConnectionReplacesTheOldOne() {
    TestProbe<ConnectionMessage> old = attach(64);
    old.expectMessageClass(Attached.class);
    TestProbe<ConnectionMessage> replacement = attach(64);
    replacement.expectMessageClass(Attached.class);
    assertEquals(
        new Disconnect(DisconnectReason.REPLACED), old.expectMessageClass(Disconnect.class));

    enqueue(qos1("m1"));
    replacement.expectMessageClass(Push.class);
    old.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void kickClosesTheConnectionAndStatusReportsIt() {
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    enqueue(qos1("m1"));
    conn.expectMessageClass(Push.class);

    SessionStatus online = session.<SessionStatus>runCommand(SessionCommand.GetStatus::new).reply();
    assertTrue(online.online());
    assertEquals(connectionId(), online.connections().get(0).connectionId());
    assertEquals(1, online.pending());

    var kicked = session.<SessionCommand.KickResult>runCommand(SessionCommand.Kick::new);
    assertEquals(1, kicked.reply().connectionsClosed());
    assertEquals(
        new Disconnect(DisconnectReason.KICKED), conn.expectMessageClass(Disconnect.class));
    SessionStatus offline =
        session.<SessionStatus>runCommand(SessionCommand.GetStatus::new).reply();
    assertEquals(false, offline.online());
    assertEquals(1, offline.pending());
  }

  @Test
  void expiredMessagesAreRemovedOnAttachAndNeverDelivered() {
    enqueue(new PushMessage("short", Qos.AT_LEAST_ONCE, "1", NOW, NOW + 1_000));
    enqueue(qos1("long"));
    clock.set(NOW + 2_000);

    TestProbe<ConnectionMessage> conn = attach(64);
    assertEquals(1, conn.expectMessageClass(Attached.class).pending());
    assertEquals("long", conn.expectMessageClass(Push.class).id());
    assertEquals(List.of(2L), seqs(session.getState()));
    conn.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void expiryEventRemovesOnlyTheNamedSeqs() {
    SessionState state = new SessionState();
    state.apply(new MessageQueued(new PendingMessage(1, qos1("a"))), 10, 1000);
    state.apply(new MessageQueued(new PendingMessage(2, qos1("b"))), 10, 1000);
    state.apply(new MessagesExpired(List.of(1L), NOW), 10, 1000);
    assertEquals(List.of(2L), seqs(state));
    assertEquals(2, state.nextSeq() - 1);
  }

  @Test
  void aRetriedIdempotentEnqueueIsStoredOnceAndAnOrdinaryOneAgain() {
    PushMessage message = qos1("paced");
    var first =
        session.<EnqueueResult>runCommand(
            r -> new SessionCommand.Enqueue(message, OverflowPolicy.REJECT, true, r));
    assertEquals(1, first.reply().seq());
    var retried =
        session.<EnqueueResult>runCommand(
            r -> new SessionCommand.Enqueue(message, OverflowPolicy.REJECT, true, r));
    assertEquals(new EnqueueResult("paced", Outcome.QUEUED, 1), retried.reply());
    assertTrue(retried.events().isEmpty(), "a retried paced delivery was stored twice");
    var ordinary = enqueue(message);
    assertEquals(2, ordinary.reply().seq());
  }

  // ---- helpers ----

  private CommandResultWithReply<SessionCommand, SessionEvent, SessionState, EnqueueResult> enqueue(
      PushMessage message) {
    return session.runCommand(replyTo -> new SessionCommand.Enqueue(message, replyTo));
  }

  private TestProbe<ConnectionMessage> attach(int window) {
    connectionCounter++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    ConnectionInfo info = new ConnectionInfo(connectionId(), "node-1", "websocket", clock.millis());
    session.runCommand(new SessionCommand.Attach(info, window, probe.ref()));
    return probe;
  }

  private String connectionId() {
    return "c" + connectionCounter;
  }

  private static PushMessage qos1(String id) {
    return new PushMessage(id, Qos.AT_LEAST_ONCE, "{\"n\":\"" + id + "\"}", NOW, NOW + 3_600_000);
  }

  private static PushMessage qos0(String id) {
    return new PushMessage(id, Qos.AT_MOST_ONCE, "{\"n\":\"" + id + "\"}", NOW, NOW + 3_600_000);
  }

  private static List<Long> seqs(SessionState state) {
    return state.pendingList().stream().map(PendingMessage::seq).toList();
  }
}
