package io.pushgate.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesAcked;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Lazy acks ({@link UnpersistedAck}): an ack releases credit at once and is written with the next
 * event, at {@code ack-flush-count}, after {@code ack-flush-delay}, or before a stop, detach or
 * status answer; a crash before the write redelivers, never loses. Persistence testkit with
 * serialization checks on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLazyAckTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final int FLUSH_COUNT = 3;

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connectionCounter;

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  /** max-pending 5, flush count 3, the given flush delay. */
  private void start(Duration flushDelay) {
    SessionSettings settings =
        new SessionSettings(5, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(24), 4)
            .withLazyAcks(FLUSH_COUNT, flushDelay);
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create("demo:lazy", null, SessionDeps.of(settings).withClock(clock)));
  }

  @Test
  void anAckReleasesCreditAtOnceAndIsWrittenWithTheNextMessage() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(1);
    conn.expectMessageClass(Attached.class);
    enqueue("m1");
    enqueue("m2");
    assertEquals(1, conn.expectMessageClass(Push.class).seq());

    var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 1));
    assertTrue(acked.events().isEmpty(), "no write for the ack alone");
    assertEquals(2, conn.expectMessageClass(Push.class).seq(), "credit released at once");

    var third = enqueue("m3");
    assertEquals(1, third.events().size(), "one journal row for the message and the ack");
    MessageQueued queued = assertInstanceOf(MessageQueued.class, third.events().get(0));
    assertEquals(1, queued.ackedUpTo(), "the ack rides with the next message");
    assertEquals(3, queued.pending().seq());
    assertEquals(1, third.state().ackedSeq());
    assertEquals(List.of(2L, 3L), seqs(third.state()));
  }

  @Test
  void anAckFoldedIntoAMessageEndsAckedMessagesAsAckedNotExpired() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    PushMessage shortLived = new PushMessage("short", Qos.AT_LEAST_ONCE, "{}", NOW, NOW + 1_000);
    session.<EnqueueResult>runCommand(replyTo -> new SessionCommand.Enqueue(shortLived, replyTo));
    conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack(connectionId(), 1)); // unwritten
    clock.set(NOW + 5_000); // the acked message's ttl has passed meanwhile
    var next = enqueue("m2");
    assertEquals(1, next.events().size(), "no expiry for a message the ack covers");
    assertEquals(1, ((MessageQueued) next.events().get(0)).ackedUpTo());
    var status =
        session.<MessageStatus>runCommand(
            replyTo -> new SessionCommand.GetMessageStatus("short", replyTo));
    assertEquals(MessageStatus.Fate.ACKED, status.reply().fate());
  }

  @Test
  void flushCountAckedMessagesForceTheWrite() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    for (int i = 1; i <= 3; i++) enqueue("m" + i);
    for (int i = 1; i <= 3; i++) conn.expectMessageClass(Push.class);
    assertTrue(session.runCommand(new SessionCommand.Ack(connectionId(), 1)).events().isEmpty());
    assertTrue(session.runCommand(new SessionCommand.Ack(connectionId(), 2)).events().isEmpty());
    var third = session.runCommand(new SessionCommand.Ack(connectionId(), 3));
    assertEquals(List.of(new MessagesAcked(3, NOW)), third.events());
    assertEquals(0, third.state().pendingCount());
  }

  @Test
  void theFlushDelayWritesALoneAck() {
    start(Duration.ofMillis(200));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    enqueue("m1");
    conn.expectMessageClass(Push.class);
    assertTrue(session.runCommand(new SessionCommand.Ack(connectionId(), 1)).events().isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> session.getState().ackedSeq() == 1);
    session.restart();
    assertEquals(1, session.getState().ackedSeq(), "written to the journal, not just in memory");
  }

  @Test
  void aCrashBeforeTheWriteRedeliversTheUnwrittenAckedMessage() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    enqueue("m1");
    conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack(connectionId(), 1));

    session.restart(); // recovery from the journal: the ack was never written
    assertEquals(0, session.getState().ackedSeq());
    TestProbe<ConnectionMessage> again = attach(64);
    assertEquals(1, again.expectMessageClass(Attached.class).pending());
    assertEquals(
        new Push("m1", 1, 1, "{\"n\":\"m1\"}", NOW),
        again.expectMessageClass(Push.class),
        "redelivered, not lost");
  }

  @Test
  void detachAndStatusWriteTheAckFirst() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    enqueue("m1");
    enqueue("m2");
    conn.expectMessageClass(Push.class);
    conn.expectMessageClass(Push.class);

    session.runCommand(new SessionCommand.Ack(connectionId(), 1));
    var status = session.<SessionStatus>runCommand(SessionCommand.GetStatus::new);
    assertEquals(1, status.reply().ackedSeq());
    assertEquals(1, status.reply().pending());
    assertEquals(List.of(new MessagesAcked(1, NOW)), status.events());

    session.runCommand(new SessionCommand.Ack(connectionId(), 2));
    var detached = session.runCommand(new SessionCommand.Detach(connectionId()));
    assertEquals(new MessagesAcked(2, NOW), detached.events().get(0));
    assertEquals(0, detached.state().pendingCount());
  }

  @Test
  void aCleanStopWritesTheAckFirst() {
    SessionSettings settings =
        new SessionSettings(5, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(24), 4)
            .withLazyAcks(FLUSH_COUNT, Duration.ofMinutes(1));
    String entityId = "demo:stopping";
    var entity =
        testKit.spawn(
            SessionEntity.create(entityId, null, SessionDeps.of(settings).withClock(clock)));
    TestProbe<ConnectionMessage> conn = testKit.createTestProbe();
    entity.tell(
        new SessionCommand.Attach(
            new ConnectionInfo("s1", "node-1", "websocket", NOW), 64, conn.ref()));
    conn.expectMessageClass(Attached.class);
    TestProbe<EnqueueResult> replies = testKit.createTestProbe();
    PushMessage message = new PushMessage("m1", Qos.AT_LEAST_ONCE, "{}", NOW, NOW + 3_600_000);
    entity.tell(new SessionCommand.Enqueue(message, replies.ref()));
    replies.expectMessageClass(EnqueueResult.class);
    conn.expectMessageClass(Push.class);
    entity.tell(new SessionCommand.Ack("s1", 1));
    entity.tell(SessionCommand.Passivate.INSTANCE); // passivation and shard hand-off stop this way
    conn.expectTerminated(entity, Duration.ofSeconds(10));

    String persistenceId = PersistenceId.of(SessionSharding.TYPE_KEY.name(), entityId).id();
    List<Object> written =
        PersistenceTestKit.create(testKit.system()).persistedInStorage(persistenceId);
    assertEquals(
        new MessagesAcked(1, NOW),
        written.get(written.size() - 1),
        "a clean stop redelivers nothing");
  }

  @Test
  void ackedButUnwrittenMessagesDoNotCountAgainstMaxPending() {
    start(Duration.ofMinutes(1));
    TestProbe<ConnectionMessage> conn = attach(64);
    conn.expectMessageClass(Attached.class);
    for (int i = 1; i <= 5; i++) enqueue("m" + i); // max-pending 5: full
    for (int i = 1; i <= 5; i++) conn.expectMessageClass(Push.class);
    assertEquals(Outcome.QUEUE_FULL, enqueue("full").reply().outcome());
    session.runCommand(
        new SessionCommand.Ack(connectionId(), 2)); // below the flush count: unwritten

    var sixth = enqueue("m6");
    assertEquals(new EnqueueResult("m6", Outcome.QUEUED, 6), sixth.reply());
    assertEquals(2, ((MessageQueued) sixth.events().get(0)).ackedUpTo());
    assertEquals(List.of(3L, 4L, 5L, 6L), seqs(sixth.state()));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          SessionCommand, SessionEvent, SessionState, EnqueueResult>
      enqueue(String id) {
    PushMessage message =
        new PushMessage(id, Qos.AT_LEAST_ONCE, "{\"n\":\"" + id + "\"}", NOW, NOW + 3_600_000);
    return session.runCommand(replyTo -> new SessionCommand.Enqueue(message, replyTo));
  }

  private TestProbe<ConnectionMessage> attach(int window) {
    connectionCounter++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId(), "node-1", "websocket", NOW), window, probe.ref()));
    return probe;
  }

  private String connectionId() {
    return "c" + connectionCounter;
  }

  private static List<Long> seqs(SessionState state) {
    return state.pendingList().stream().map(PendingMessage::seq).toList();
  }
}
