package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.callback.CallbackSink;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Disconnect;
import io.pushgate.session.ConnectionMessage.Parked;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Parking (connected-idle passivation): a session whose connection stays open, with nothing
 * pending, passivates after the quiet period and tells its connection; the next incarnation, woken
 * by a message, takes the same connection up again (says {@link Attached}, pushes, takes acks); a
 * session with something pending does not park; a parked connection that is gone is detached when
 * the session wakes, and the park ends in the journal; a new connection replaces a parked one. Each
 * incarnation is a fresh actor on the same in-memory journal, as sharding would start it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionParkingTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final SessionSettings SETTINGS =
      new SessionSettings(10, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(1), 100)
          .withLazyAcks(64, Duration.ofSeconds(1))
          .withConnectedIdlePassivation(QUIET);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger ids = new AtomicInteger();

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aQuietSessionParksAndAMessageWakesItOnTheSameConnection() {
    String id = "demo:park" + ids.incrementAndGet();
    TestProbe<ConnectionMessage> connection = testKit.createTestProbe();
    ActorRef<SessionCommand> first = incarnation(id);
    attach(first, connection, "c1");
    ActorRef<SessionCommand> firstRef = connection.expectMessageClass(Attached.class).session();
    enqueue(first, "m1", Qos.AT_LEAST_ONCE);
    assertEquals(1, connection.expectMessageClass(Push.class).seq());
    first.tell(new SessionCommand.Ack("c1", 1));

    Parked parked = connection.expectMessageClass(Parked.class, WAIT);
    assertEquals(firstRef, parked.session());
    testKit.createTestProbe().expectTerminated(first, WAIT);

    ActorRef<SessionCommand> second = incarnation(id);
    enqueue(second, "m2", Qos.AT_LEAST_ONCE);
    Attached resumed = connection.expectMessageClass(Attached.class);
    assertNotEquals(
        firstRef,
        resumed.session(),
        "the new incarnation says Attached so the connection watches it");
    assertEquals(0, resumed.pending(), "woken before the message was queued");
    Push push = connection.expectMessageClass(Push.class);
    assertEquals("m2", push.id());
    assertEquals(2, push.seq(), "the sequence goes on from the journal");
    second.tell(new SessionCommand.Ack("c1", 2));
    SessionStatus status = status(second);
    assertTrue(status.online(), "a woken session is online with its parked connection");
    assertEquals("c1", status.connections().get(0).connectionId());
    assertEquals(2, status.ackedSeq());
    enqueue(second, "q0", Qos.AT_MOST_ONCE);
    assertEquals(
        "q0", connection.expectMessageClass(Push.class).id(), "QoS 0 reaches a woken connection");
    assertEquals(
        second,
        connection.expectMessageClass(Parked.class, WAIT).session(),
        "and it parks again when quiet");
  }

  @Test
  void aSessionWithAMessagePendingDoesNotPark() {
    String id = "demo:park" + ids.incrementAndGet();
    TestProbe<ConnectionMessage> connection = testKit.createTestProbe();
    ActorRef<SessionCommand> session = incarnation(id);
    attach(session, connection, "c1");
    connection.expectMessageClass(Attached.class);
    enqueue(session, "m1", Qos.AT_LEAST_ONCE);
    connection.expectMessageClass(Push.class); // never acked
    connection.expectNoMessage(QUIET.multipliedBy(4));
    session.tell(new SessionCommand.Ack("c1", 1));
    connection.expectMessageClass(Parked.class, WAIT);
  }

  @Test
  void aParkedConnectionThatIsGoneIsDetachedWhenTheSessionWakes() {
    String id = "demo:park" + ids.incrementAndGet();
    TestProbe<ConnectionMessage> connection = testKit.createTestProbe();
    ActorRef<SessionCommand> first = incarnation(id);
    attach(first, connection, "c1");
    connection.expectMessageClass(Attached.class);
    connection.expectMessageClass(Parked.class, WAIT);
    testKit.createTestProbe().expectTerminated(first, WAIT);
    connection.stop(); // the socket closed and its detach was lost (its node crashed)

    ActorRef<SessionCommand> second = incarnation(id);
    enqueue(second, "m1", Qos.AT_LEAST_ONCE);
    TestProbe<SessionStatus> statuses = testKit.createTestProbe();
    statuses.awaitAssert(
        WAIT,
        () -> {
          second.tell(new SessionCommand.GetStatus(statuses.ref()));
          assertFalse(
              statuses.receiveMessage().online(), "the death watch detached the gone connection");
          return null;
        });
    second.tell(SessionCommand.Passivate.INSTANCE);
    testKit.createTestProbe().expectTerminated(second, WAIT);

    ActorRef<SessionCommand> third = incarnation(id);
    SessionStatus status = status(third);
    assertFalse(
        status.online(), "the park ended in the journal: a later incarnation does not take it up");
    assertEquals(1, status.pending(), "the message waits for the user's return");
  }

  @Test
  void aNewConnectionReplacesAParkedOne() {
    String id = "demo:park" + ids.incrementAndGet();
    TestProbe<ConnectionMessage> old = testKit.createTestProbe();
    ActorRef<SessionCommand> first = incarnation(id);
    attach(first, old, "c1");
    old.expectMessageClass(Attached.class);
    old.expectMessageClass(Parked.class, WAIT);
    testKit.createTestProbe().expectTerminated(first, WAIT);

    ActorRef<SessionCommand> second = incarnation(id);
    TestProbe<ConnectionMessage> next = testKit.createTestProbe();
    attach(second, next, "c2");
    old.expectMessageClass(Attached.class); // woken: took the old one up
    assertEquals(
        new Disconnect(DisconnectReason.REPLACED), old.expectMessageClass(Disconnect.class));
    next.expectMessageClass(Attached.class);
    assertEquals("c2", status(second).connections().get(0).connectionId());
  }

  @Test
  void theParkAndTheStateWithItSurviveSerialization() throws Exception {
    TestProbe<ConnectionMessage> connection = testKit.createTestProbe();
    ParkedConnection parked =
        new ParkedConnection(
            ActorRefResolver.get(testKit.system()).toSerializationFormat(connection.ref()),
            new ConnectionInfo("c1", "node", "websocket", NOW),
            8,
            true,
            "route-1");
    SessionEvent.ConnectionParked event = new SessionEvent.ConnectionParked(parked, NOW);
    assertEquals(event, roundTrip(event));
    SessionState state = new SessionState().apply(event, 100, 3_600_000);
    assertEquals(parked, ((SessionState) roundTrip(state)).parked());
    assertEquals(null, state.apply(new SessionEvent.ParkEnded(NOW + 1), 100, 3_600_000).parked());
    assertEquals(
        connection.ref(),
        ActorRefResolver.get(testKit.system()).resolveActorRef(parked.connectionRef()));
  }

  @Test
  void everyMessageToAConnectionSurvivesSerializationWhenRouted() throws Exception {
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    for (ConnectionMessage message :
        List.of(
            new Attached(session.ref(), 2, List.of("news"), 7, NOW),
            new ConnectionMessage.TopicsChanged(List.of("a", "b")),
            new Push("m1", 1, 3, 0, "{\"x\":1}", NOW),
            new Parked(session.ref()),
            new Disconnect(DisconnectReason.KICKED))) {
      ConnectionMessage.Routed routed =
          new ConnectionMessage.Routed("route-1", "demo:bob", message);
      assertEquals(routed, roundTrip(routed), "routed " + message.getClass().getSimpleName());
    }
  }

  private Object roundTrip(Object value) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = serialization.findSerializerFor(value);
    byte[] bytes =
        serialization
            .serialize(value)
            .get(); // with the system's transport information (actor refs)
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value))
        .get();
  }

  private ActorRef<SessionCommand> incarnation(String id) {
    return testKit.spawn(
        SessionEntity.create(
            id, null, SessionDeps.of(SETTINGS).withClock(clock).withCallbacks(CallbackSink.NONE)));
  }

  private void attach(
      ActorRef<SessionCommand> session,
      TestProbe<ConnectionMessage> connection,
      String connectionId) {
    session.tell(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId, "n", "websocket", clock.millis()),
            8,
            connection.ref(),
            true));
  }

  private void enqueue(ActorRef<SessionCommand> session, String id, Qos qos) {
    TestProbe<SessionCommand.EnqueueResult> replies = testKit.createTestProbe();
    session.tell(
        new SessionCommand.Enqueue(
            new PushMessage(id, qos, "{}", clock.millis(), clock.millis() + 3_600_000),
            replies.ref()));
    replies.expectMessageClass(SessionCommand.EnqueueResult.class, WAIT);
  }

  private SessionStatus status(ActorRef<SessionCommand> session) {
    TestProbe<SessionStatus> replies = testKit.createTestProbe();
    session.tell(new SessionCommand.GetStatus(replies.ref()));
    return replies.expectMessageClass(SessionStatus.class, WAIT);
  }
}
