package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionEvent.BroadcastsAcked;
import io.pushgate.session.SessionEvent.SessionStarted;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session's side of app-wide broadcasts: which broadcasts it delivers (sent at or after its
 * creation, not expired), in bseq order within the window, the persisted cumulative cursor, and
 * recovery of that cursor. Runs through the persistence testkit with serialization checks on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionBroadcastTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final SessionSettings SETTINGS =
      new SessionSettings(5, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(24), 4);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private final FakeBroadcasts broadcasts = new FakeBroadcasts();
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connections;

  @BeforeEach
  void fresh() {
    clock.set(NOW);
    broadcasts.entries.clear();
    broadcasts.registered.clear();
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:alice",
                null,
                SessionDeps.of(SETTINGS).withClock(clock).withBroadcasts(broadcasts)));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void firstAttachRecordsTheSessionsCreationAndRegistersForNews() {
    TestProbe<ConnectionMessage> conn = attach(8);
    conn.expectMessageClass(Attached.class);
    assertEquals(NOW, session.getState().createdAtMillis());
    assertEquals(1, broadcasts.registered.size());
    session.runCommand(new SessionCommand.Detach(connectionId()));
    assertEquals(0, broadcasts.registered.size(), "still registered after detach");
  }

  @Test
  void deliversBroadcastsSentSinceItsCreationInOrderAndSkipsOlderAndExpiredOnes() {
    broadcasts.add(entry(1, NOW - 1_000, NOW + 60_000)); // before the session existed
    enqueue("m1"); // creates the session at NOW
    broadcasts.add(entry(2, NOW + 1, NOW + 2)); // expires before the attach
    broadcasts.add(entry(3, NOW + 3, NOW + 60_000));
    clock.set(NOW + 10);
    TestProbe<ConnectionMessage> conn = attach(8);
    conn.expectMessageClass(Attached.class);
    List<Long> bseqs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Push p = conn.expectMessageClass(Push.class);
      if (p.bseq() > 0) bseqs.add(p.bseq());
      else assertEquals(1, p.seq());
    }
    assertEquals(List.of(3L), bseqs);
    conn.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void newBroadcastsArePushedWhenTheHubSaysSoAndAcksAdvanceThePersistedCursor() {
    TestProbe<ConnectionMessage> conn = attach(8);
    conn.expectMessageClass(Attached.class);
    broadcasts.add(entry(1, NOW + 5, NOW + 60_000));
    broadcasts.add(entry(2, NOW + 6, NOW + 60_000));
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    assertEquals(1, conn.expectMessageClass(Push.class).bseq());
    assertEquals(2, conn.expectMessageClass(Push.class).bseq());

    var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 0, 5));
    assertEquals(
        2,
        ((BroadcastsAcked) acked.event()).upToBseq(),
        "ack beyond what was delivered is clamped");
    assertEquals(2, acked.state().broadcastCursor());
    assertEquals(2, broadcasts.lastAckTo);

    session.restart();
    assertEquals(2, session.getState().broadcastCursor(), "cursor lost on recovery");
    TestProbe<ConnectionMessage> again = attach(8);
    again.expectMessageClass(Attached.class);
    again.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void unackedBroadcastsComeBackOnTheNextConnectionWithinTheWindow() {
    TestProbe<ConnectionMessage> first = attach(2);
    first.expectMessageClass(Attached.class);
    for (int b = 1; b <= 3; b++) broadcasts.add(entry(b, NOW + b, NOW + 60_000));
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    assertEquals(1, first.expectMessageClass(Push.class).bseq());
    assertEquals(2, first.expectMessageClass(Push.class).bseq());
    first.expectNoMessage(Duration.ofMillis(200)); // window of 2
    session.runCommand(new SessionCommand.Ack(connectionId(), 0, 1));
    assertEquals(3, first.expectMessageClass(Push.class).bseq());

    TestProbe<ConnectionMessage> second = attach(8);
    second.expectMessageClass(Attached.class);
    assertEquals(2, second.expectMessageClass(Push.class).bseq());
    assertEquals(3, second.expectMessageClass(Push.class).bseq());
  }

  @Test
  void lazyBroadcastAcksReleaseTheWindowAtOnceAndOneRowCoversManyBroadcasts() {
    lazy();
    TestProbe<ConnectionMessage> conn = attach(1);
    conn.expectMessageClass(Attached.class);
    for (int b = 1; b <= 3; b++) broadcasts.add(entry(b, NOW + b, NOW + 60_000));
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    for (int b = 1; b <= 3; b++) {
      assertEquals(
          b, conn.expectMessageClass(Push.class).bseq(), "the ack released the window at once");
      conn.expectNoMessage(Duration.ofMillis(100)); // window of 1
      var acked = session.runCommand(new SessionCommand.Ack(connectionId(), 0, b));
      assertTrue(
          acked.events().isEmpty(), "a broadcast ack was written at once: " + acked.events());
    }
    assertEquals(0, session.getState().broadcastCursor());
    assertEquals(0, broadcasts.lastAckTo, "reported to the log before it was written");

    var detached = session.runCommand(new SessionCommand.Detach(connectionId()));
    assertEquals(
        List.of(new BroadcastsAcked(3, NOW)),
        detached.events(),
        "one row for the three acks, at detach");
    assertEquals(3, broadcasts.lastAckTo);
    session.restart();
    assertEquals(3, session.getState().broadcastCursor());
  }

  @Test
  void anUnwrittenBroadcastAckLostInACrashIsARedeliveryNotALoss() {
    lazy();
    deliverOneBroadcastAndAckItUnwritten();

    session.restart(); // the node died before the flush
    TestProbe<ConnectionMessage> again = attach(8);
    again.expectMessageClass(Attached.class);
    assertEquals(
        1,
        again.expectMessageClass(Push.class).bseq(),
        "the broadcast whose ack was lost is delivered again");
  }

  @Test
  void unwrittenBroadcastAcksAreWrittenAfterTheirDelay() {
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:carol",
                null,
                SessionDeps.of(SETTINGS.withLazyAcks(64, Duration.ofMillis(200)))
                    .withClock(clock)
                    .withBroadcasts(broadcasts)));
    deliverOneBroadcastAndAckItUnwritten();
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertEquals(1, session.getState().broadcastCursor(), "not written after its delay");
              return null;
            });
    assertEquals(1, broadcasts.lastAckTo);
  }

  @Test
  void creationTimeComesFromTheFirstEventAndSurvivesRestart() {
    clock.set(NOW + 500);
    TestProbe<ConnectionMessage> conn = attach(8);
    conn.expectMessageClass(Attached.class);
    session.restart();
    assertEquals(NOW + 500, session.getState().createdAtMillis());
    var next = attach(8);
    next.expectMessageClass(Attached.class);
    // a second attach of an existing session writes no SessionStarted
    assertTrue(session.getState().createdAtMillis() > 0);
  }

  @Test
  void stateWithoutCreationTimeAppliesEveryEventKind() {
    SessionState state = new SessionState();
    state.apply(new SessionStarted(NOW), 10, 1000);
    state.apply(new BroadcastsAcked(4, NOW + 1), 10, 1000);
    state.apply(new BroadcastsAcked(2, NOW + 2), 10, 1000);
    assertEquals(NOW, state.createdAtMillis());
    assertEquals(4, state.broadcastCursor(), "the cursor went backwards");
  }

  @Test
  void aConnectionThatDeliversBroadcastsGetsTheCursorAndCreationTimeAndNoBroadcastPushes() {
    TestProbe<ConnectionMessage> first = attach(8);
    first.expectMessageClass(Attached.class);
    broadcasts.add(entry(1, NOW + 1, NOW + 60_000));
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    assertEquals(1, first.expectMessageClass(Push.class).bseq());
    session.runCommand(new SessionCommand.Ack(connectionId(), 0, 1)); // written: not lazy here

    clock.set(NOW + 50);
    broadcasts.add(entry(2, NOW + 40, NOW + 60_000));
    TestProbe<ConnectionMessage> delivering = attachDelivering(8);
    Attached attached = delivering.expectMessageClass(Attached.class);
    assertEquals(1, attached.broadcastCursor());
    assertEquals(NOW, attached.createdAtMillis(), "the session's creation, not this attach");
    assertEquals(
        0, broadcasts.registered.size(), "the hub still tells a session whose connection delivers");
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    delivering.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aDeliveringConnectionsAckIsTakenAsItComesAndWrittenLazily() {
    lazy();
    TestProbe<ConnectionMessage> conn = attachDelivering(8);
    assertEquals(0, conn.expectMessageClass(Attached.class).broadcastCursor());
    for (int b = 1; b <= 3; b++) broadcasts.add(entry(b, NOW + b, NOW + 60_000));
    // the connection delivered 1..3 itself and reports its client's cumulative ack
    assertTrue(
        session.runCommand(new SessionCommand.Ack(connectionId(), 0, 3)).events().isEmpty(),
        "written at once");
    var detached = session.runCommand(new SessionCommand.Detach(connectionId()));
    assertEquals(List.of(new BroadcastsAcked(3, NOW)), detached.events());
    assertEquals(3, broadcasts.lastAckTo);

    TestProbe<ConnectionMessage> again = attachDelivering(8);
    assertEquals(3, again.expectMessageClass(Attached.class).broadcastCursor());
  }

  // ---- helpers ----

  /** Attaches, delivers broadcast 1 and acks it: the ack is not written (lazy acks). */
  private void deliverOneBroadcastAndAckItUnwritten() {
    TestProbe<ConnectionMessage> conn = attach(8);
    conn.expectMessageClass(Attached.class);
    broadcasts.add(entry(1, NOW + 1, NOW + 60_000));
    session.runCommand(SessionCommand.BroadcastsAvailable.INSTANCE);
    assertEquals(1, conn.expectMessageClass(Push.class).bseq());
    assertTrue(
        session.runCommand(new SessionCommand.Ack(connectionId(), 0, 1)).events().isEmpty(),
        "written at once");
  }

  /**
   * A session whose acks wait (64 messages or broadcasts, 5 minutes) unless something writes them.
   */
  private void lazy() {
    broadcasts.lastAckTo = 0;
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:bob" + connections,
                null,
                SessionDeps.of(SETTINGS.withLazyAcks(64, Duration.ofMinutes(5)))
                    .withClock(clock)
                    .withBroadcasts(broadcasts)));
  }

  private void enqueue(String id) {
    var result =
        session.<SessionCommand.EnqueueResult>runCommand(
            replyTo ->
                new SessionCommand.Enqueue(
                    new PushMessage(
                        id, Qos.AT_LEAST_ONCE, "1", clock.millis(), clock.millis() + 3_600_000),
                    replyTo));
    assertInstanceOf(SessionEvent.MessageQueued.class, result.event());
  }

  private TestProbe<ConnectionMessage> attach(int window) {
    connections++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId(), "n", "websocket", clock.millis()),
            window,
            probe.ref()));
    return probe;
  }

  /** A connection that delivers broadcasts itself ({@code delivery = connection}). */
  private TestProbe<ConnectionMessage> attachDelivering(int window) {
    connections++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId(), "n", "websocket", clock.millis()),
            window,
            probe.ref(),
            true));
    return probe;
  }

  private String connectionId() {
    return "c" + connections;
  }

  private static BroadcastEntry entry(long bseq, long sentAt, long expiresAt) {
    return new BroadcastEntry(bseq, "b" + bseq, "{\"b\":" + bseq + "}", sentAt, expiresAt, null);
  }

  /** The node's replica, as the session sees it. */
  static final class FakeBroadcasts implements SessionBroadcasts {
    final List<BroadcastEntry> entries = new CopyOnWriteArrayList<>();
    final List<ActorRef<SessionCommand>> registered = new CopyOnWriteArrayList<>();
    volatile long lastAckTo;

    void add(BroadcastEntry e) {
      entries.add(e);
    }

    @Override
    public List<BroadcastEntry> after(String app, long bseq) {
      return entries.stream().filter(e -> e.bseq() > bseq).toList();
    }

    @Override
    public void attached(String app, ActorRef<SessionCommand> session) {
      registered.add(session);
    }

    @Override
    public void detached(String app, ActorRef<SessionCommand> session) {
      registered.remove(session);
    }

    @Override
    public void acked(String app, long fromBseq, long toBseq) {
      lastAckTo = toBseq;
    }
  }
}
