package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Disconnect;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A connection of the session's own node registered in {@link LocalConnections}: the session hands
 * it everything of the attachment through its sink, in order, and nothing through its actor; a
 * connection not registered (another node's) gets everything through its actor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLocalConnectionTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final SessionSettings SETTINGS =
      new SessionSettings(5, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(24), 4);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connections;

  @BeforeEach
  void fresh() {
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:local" + connections, null, SessionDeps.of(SETTINGS).withClock(clock)));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aLocalConnectionGetsEverythingThroughItsSinkInOrder() throws Exception {
    enqueue("m1", Qos.AT_LEAST_ONCE);
    TestProbe<ConnectionMessage> actor = testKit.createTestProbe();
    LinkedBlockingQueue<ConnectionMessage> sink = new LinkedBlockingQueue<>();
    LocalConnections.get(testKit.system()).register(actor.ref(), sink::add);
    try {
      attach(actor);
      assertInstanceOf(Attached.class, sink.poll(5, TimeUnit.SECONDS));
      assertEquals("m1", ((Push) sink.poll(5, TimeUnit.SECONDS)).id());
      enqueue("m2", Qos.AT_MOST_ONCE);
      assertEquals("m2", ((Push) sink.poll(5, TimeUnit.SECONDS)).id());
      enqueue("m3", Qos.AT_LEAST_ONCE);
      assertEquals("m3", ((Push) sink.poll(5, TimeUnit.SECONDS)).id());

      TestProbe<ConnectionMessage> next = testKit.createTestProbe();
      attach(next); // not registered: another node's connection
      assertEquals(
          new Disconnect(DisconnectReason.REPLACED),
          sink.poll(5, TimeUnit.SECONDS),
          "the replaced one is told through its sink");
      next.expectMessageClass(Attached.class);
      assertEquals(
          "m1",
          next.expectMessageClass(Push.class).id(),
          "unacked messages go to the new connection's actor");
      assertEquals("m3", next.expectMessageClass(Push.class).id());
      actor.expectNoMessage(Duration.ofMillis(200));
    } finally {
      LocalConnections.get(testKit.system()).remove(actor.ref());
    }
    assertEquals(0, LocalConnections.get(testKit.system()).size());
  }

  @Test
  void aRoutedConnectionOfAnotherNodeGetsEverythingWrappedWithItsRoute() {
    TestProbe<ConnectionMessage> router =
        testKit.createTestProbe(); // another node's router: not registered here
    String entityId = "demo:local" + connections;
    enqueue("m1", Qos.AT_LEAST_ONCE);
    routedAttach(router, "r1");
    ConnectionMessage.Routed attached = router.expectMessageClass(ConnectionMessage.Routed.class);
    assertEquals("r1", attached.routeId());
    assertEquals(
        entityId, attached.sessionEntityId(), "so a router that lost the route can detach it");
    assertInstanceOf(Attached.class, attached.message());
    assertEquals(
        "m1", ((Push) router.expectMessageClass(ConnectionMessage.Routed.class).message()).id());

    routedAttach(router, "r2"); // another connection of the same node: same router, another route
    ConnectionMessage.Routed replaced = router.expectMessageClass(ConnectionMessage.Routed.class);
    assertEquals(
        new ConnectionMessage.Routed("r1", entityId, new Disconnect(DisconnectReason.REPLACED)),
        replaced);
    ConnectionMessage.Routed again = router.expectMessageClass(ConnectionMessage.Routed.class);
    assertEquals("r2", again.routeId());
    assertInstanceOf(Attached.class, again.message());
    assertEquals(
        "m1",
        ((Push) router.expectMessageClass(ConnectionMessage.Routed.class).message()).id(),
        "unacked: pushed to the new route");
  }

  private void routedAttach(TestProbe<ConnectionMessage> router, String routeId) {
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(routeId, "n", "websocket", clock.millis()),
            8,
            router.ref(),
            false,
            routeId));
  }

  private void enqueue(String id, Qos qos) {
    session.<SessionCommand.EnqueueResult>runCommand(
        replyTo ->
            new SessionCommand.Enqueue(
                new PushMessage(id, qos, "{}", clock.millis(), clock.millis() + 3_600_000),
                replyTo));
  }

  private void attach(TestProbe<ConnectionMessage> connection) {
    connections++;
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo("c" + connections, "n", "websocket", clock.millis()),
            8,
            connection.ref()));
  }
}
