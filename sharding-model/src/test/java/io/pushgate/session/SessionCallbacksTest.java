package io.pushgate.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.pushgate.callback.CallbackEvent;
import io.pushgate.callback.CallbackEventType;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.testing.RecordingCallbackSink;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The status callbacks a session raises: online / offline with the debounce, and the fates of its
 * QoS 1 messages, each with the id receivers de-duplicate by. Serialization checks are on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionCallbacksTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final int MAX_PENDING = 3;
  private static final int MAX_DELIVERIES = 2;

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private final SessionSettings settings =
      new SessionSettings(
          MAX_PENDING,
          1 << 20,
          Duration.ofMinutes(2),
          100,
          MAX_DELIVERIES,
          Duration.ofHours(1),
          100);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private int connections;

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private RecordingCallbackSink sessionWith(Duration offlineDelay, CallbackEventType... wanted) {
    RecordingCallbackSink sink = new RecordingCallbackSink(offlineDelay, wanted);
    clock.set(NOW);
    connections = 0;
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:carol", null, SessionDeps.of(settings).withClock(clock).withCallbacks(sink)));
    session.clear();
    return sink;
  }

  @Test
  void onlineOnFirstAttachAndOfflineAfterTheDelay() {
    RecordingCallbackSink sink = sessionWith(Duration.ofMillis(300));
    attach().expectMessageClass(Attached.class);
    CallbackEvent online = single(sink, CallbackEventType.ONLINE);
    assertEquals("demo", online.app());
    assertEquals("carol", online.user());
    assertEquals("conn-1", online.details().get("connection"));
    assertEquals("node-1", online.details().get("node"));
    session.runCommand(new SessionCommand.Detach("conn-1"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sink.events(CallbackEventType.OFFLINE).size() == 1);
    assertEquals(List.of(CallbackEventType.ONLINE, CallbackEventType.OFFLINE), types(sink));
  }

  @Test
  void reconnectInsideTheDelayRaisesNothing() {
    RecordingCallbackSink sink = sessionWith(Duration.ofMillis(500));
    attach().expectMessageClass(Attached.class);
    session.runCommand(new SessionCommand.Detach("conn-1"));
    attach().expectMessageClass(Attached.class); // inside the delay
    await()
        .during(Duration.ofMillis(1_000))
        .atMost(Duration.ofSeconds(3))
        .until(() -> types(sink).equals(List.of(CallbackEventType.ONLINE)));
    // and a replacing connection (a second attach while attached) announces nothing either
    attach().expectMessageClass(Attached.class);
    assertEquals(List.of(CallbackEventType.ONLINE), types(sink));
  }

  @Test
  void passivationWithoutAConnectionRaisesOfflineAtOnce() {
    RecordingCallbackSink sink = new RecordingCallbackSink(Duration.ofHours(1));
    ActorRef<SessionCommand> entity =
        testKit.spawn(
            SessionEntity.create(
                "demo:dave", null, SessionDeps.of(settings).withClock(clock).withCallbacks(sink)));
    TestProbe<ConnectionMessage> conn = testKit.createTestProbe();
    entity.tell(
        new SessionCommand.Attach(
            new ConnectionInfo("c-1", "node-1", "websocket", NOW), 8, conn.ref()));
    conn.expectMessageClass(Attached.class);
    entity.tell(new SessionCommand.Detach("c-1"));
    entity.tell(SessionCommand.Passivate.INSTANCE);
    TestProbe<Object> watcher = testKit.createTestProbe();
    watcher.expectTerminated(entity, Duration.ofSeconds(5));
    assertEquals(List.of(CallbackEventType.ONLINE, CallbackEventType.OFFLINE), types(sink));
  }

  @Test
  void ackedMessagesAreReportedWithStableIds() {
    RecordingCallbackSink sink = sessionWith(Duration.ofHours(1), CallbackEventType.MESSAGE_ACKED);
    TestProbe<ConnectionMessage> conn = attach();
    conn.expectMessageClass(Attached.class);
    for (int i = 1; i <= 3; i++) enqueue(message("m" + i, 3_600_000, null), OverflowPolicy.REJECT);
    for (int i = 1; i <= 3; i++) conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack("conn-1", 2));
    session.runCommand(new SessionCommand.Ack("conn-1", 2)); // a repeated ack reports nothing new
    List<CallbackEvent> acked = sink.events(CallbackEventType.MESSAGE_ACKED);
    assertEquals(
        List.of("m1", "m2"), acked.stream().map(e -> e.details().get("messageId")).toList());
    assertEquals("message.acked:demo:carol:m1", acked.get(0).id());
    assertEquals(1L, acked.get(0).details().get("seq"));
    assertEquals(
        List.of(CallbackEventType.MESSAGE_ACKED, CallbackEventType.MESSAGE_ACKED), types(sink));
  }

  @Test
  void expiredDroppedAndReplacedMessagesAreReported() {
    RecordingCallbackSink sink = sessionWith(Duration.ofHours(1));
    enqueue(message("short", 1_000, null), OverflowPolicy.REJECT);
    enqueue(message("k1", 3_600_000, "counter"), OverflowPolicy.REJECT);
    enqueue(message("k2", 3_600_000, "counter"), OverflowPolicy.REJECT); // replaces k1
    clock.set(NOW + 5_000);
    session.runCommand(SessionCommand.GetStatus::new); // finds "short" expired
    enqueue(message("a", 3_600_000, null), OverflowPolicy.DROP_OLDEST);
    enqueue(message("b", 3_600_000, null), OverflowPolicy.DROP_OLDEST); // k2, a, b: full
    enqueue(message("c", 3_600_000, null), OverflowPolicy.DROP_OLDEST); // drops k2
    assertEquals(
        "short", single(sink, CallbackEventType.MESSAGE_EXPIRED).details().get("messageId"));
    List<CallbackEvent> dropped = sink.events(CallbackEventType.MESSAGE_DROPPED);
    assertEquals(
        List.of("k1", "k2"), dropped.stream().map(e -> e.details().get("messageId")).toList());
    assertEquals(
        List.of("replaced", "overflow"),
        dropped.stream().map(e -> e.details().get("reason")).toList());
  }

  @Test
  void undeliverableIsReportedOnceTheLastRoundEnds() {
    RecordingCallbackSink sink =
        sessionWith(Duration.ofHours(1), CallbackEventType.MESSAGE_UNDELIVERABLE);
    enqueue(message("stuck", 3_600_000, null), OverflowPolicy.REJECT);
    for (int round = 1; round <= MAX_DELIVERIES; round++) {
      TestProbe<ConnectionMessage> conn = attach();
      conn.expectMessageClass(Attached.class);
      conn.expectMessageClass(Push.class);
      session.runCommand(new SessionCommand.Detach("conn-" + connections));
      assertEquals(round == MAX_DELIVERIES ? 1 : 0, sink.events().size());
    }
    CallbackEvent gaveUp = single(sink, CallbackEventType.MESSAGE_UNDELIVERABLE);
    assertEquals("message.undeliverable:demo:carol:stuck", gaveUp.id());
  }

  @Test
  void anAppThatWantsNoneOfItGetsNothing() {
    RecordingCallbackSink sink = sessionWith(Duration.ofMillis(100), CallbackEventType.CONNECTED);
    TestProbe<ConnectionMessage> conn = attach();
    conn.expectMessageClass(Attached.class);
    enqueue(message("m1", 3_600_000, null), OverflowPolicy.REJECT);
    conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack("conn-1", 1));
    session.runCommand(new SessionCommand.Detach("conn-1"));
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> sink.events().isEmpty());
  }

  // ---- helpers ----

  private TestProbe<ConnectionMessage> attach() {
    connections++;
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo("conn-" + connections, "node-1", "websocket", clock.millis()),
            64,
            probe.ref()));
    return probe;
  }

  private EnqueueResult enqueue(PushMessage message, OverflowPolicy overflow) {
    return session
        .<EnqueueResult>runCommand(
            replyTo -> new SessionCommand.Enqueue(message, overflow, replyTo))
        .reply();
  }

  private static PushMessage message(String id, long ttlMillis, String collapseKey) {
    return new PushMessage(
        id, Qos.AT_LEAST_ONCE, "{\"id\":\"" + id + "\"}", NOW, NOW + ttlMillis, collapseKey);
  }

  private static CallbackEvent single(RecordingCallbackSink sink, CallbackEventType type) {
    List<CallbackEvent> events = sink.events(type);
    assertEquals(1, events.size(), () -> "one " + type + " expected: " + sink.events());
    return events.get(0);
  }

  private static List<CallbackEventType> types(RecordingCallbackSink sink) {
    return sink.events().stream().map(CallbackEvent::type).toList();
  }
}
