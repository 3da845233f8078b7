package io.pushgate.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.callback.CallbackEvent;
import io.pushgate.callback.CallbackEventType;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.Notification;
import io.pushgate.notify.Platform;
import io.pushgate.session.ConnectionMessage.Attached;
import io.pushgate.session.ConnectionMessage.Push;
import io.pushgate.session.SessionCommand.DeviceReply;
import io.pushgate.testing.RecordingCallbackSink;
import io.pushgate.testing.RecordingNotifier;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A session's devices and when it notifies them of a message: away at accept, still unacked after
 * notify-after, at most once (restart included), never after an ack, a removed token never used
 * again. Serialization checks are on (the testkit's default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionNotificationsTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final Duration NOTIFY_AFTER = Duration.ofSeconds(30);
  private static final Notification HELLO =
      new Notification("Hi", "You have mail", Map.of("k", "v"), null, 1, null);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private final SessionSettings settings =
      new SessionSettings(10, 1 << 20, Duration.ofMinutes(2), 100, 3, Duration.ofHours(1), 100);
  private EventSourcedBehaviorTestKit<SessionCommand, SessionEvent, SessionState> session;
  private RecordingNotifier notifier;
  private RecordingCallbackSink callbacks;
  private int sessions;

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private void newSession() {
    clock.set(NOW);
    sessions++;
    notifier = new RecordingNotifier(NOTIFY_AFTER, RecordingNotifier.allSent());
    callbacks = new RecordingCallbackSink(Duration.ofHours(1), CallbackEventType.MESSAGE_NOTIFIED);
    session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(
                "demo:u" + sessions,
                null,
                SessionDeps.of(settings)
                    .withClock(clock)
                    .withCallbacks(callbacks)
                    .withNotifier(notifier)));
  }

  @Test
  void devicesArePutReplacedRemovedAndBounded() {
    newSession();
    assertEquals(DeviceReply.Outcome.CREATED, put("phone", Platform.FCM, "tok-1").outcome());
    assertEquals(DeviceReply.Outcome.UPDATED, put("phone", Platform.FCM, "tok-2").outcome());
    for (int i = 2; i <= settings.maxDevices(); i++) put("d" + i, Platform.APNS, "t" + i);
    DeviceReply full = put("one-too-many", Platform.FCM, "x");
    assertEquals(DeviceReply.Outcome.TOO_MANY_DEVICES, full.outcome());
    assertEquals(settings.maxDevices(), full.devices().size());
    assertEquals("tok-2", session.getState().device("phone").orElseThrow().token());
    DeviceReply removed =
        session.<DeviceReply>runCommand(r -> new SessionCommand.RemoveDevice("phone", r)).reply();
    assertEquals(DeviceReply.Outcome.REMOVED, removed.outcome());
    assertEquals(settings.maxDevices() - 1, removed.devices().size());
    assertEquals(
        DeviceReply.Outcome.NOT_FOUND,
        session
            .<DeviceReply>runCommand(r -> new SessionCommand.RemoveDevice("phone", r))
            .reply()
            .outcome());
    session.restart();
    assertEquals(settings.maxDevices() - 1, session.getState().deviceCount());
  }

  @Test
  void anOfflineUserWithTwoDevicesGetsBothNotifiedOnce() {
    newSession();
    put("phone", Platform.FCM, "fcm-token");
    put("tablet", Platform.APNS, "apns-token");
    enqueue("m1", HELLO);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                notifiedOf("m1").stream().allMatch(o -> o.result() == DeviceOutcome.Result.SENT)
                    && notifiedOf("m1").size() == 2);
    assertEquals(1, notifier.requests().size());
    assertEquals(
        List.of("phone", "tablet"),
        notifier.requests().get(0).devices().stream().map(Device::id).toList());
    assertEquals(NOW + 3_600_000, notifier.requests().get(0).expiresAtMillis());
    CallbackEvent notified = callbacks.events(CallbackEventType.MESSAGE_NOTIFIED).get(0);
    assertEquals("m1", notified.details().get("messageId"));
    // the message stays queued: a client that comes back gets it over its connection
    TestProbe<ConnectionMessage> conn = attach("c1");
    conn.expectMessageClass(Attached.class);
    assertEquals("m1", conn.expectMessageClass(Push.class).id());
    // a restart does not notify it again
    session.restart();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> notifier.requests().size() == 1);
  }

  @Test
  void anOnlineUserWhoAcksGetsNone() {
    newSession();
    put("phone", Platform.FCM, "fcm-token");
    TestProbe<ConnectionMessage> conn = attach("c1");
    conn.expectMessageClass(Attached.class);
    enqueue("m1", HELLO);
    Push push = conn.expectMessageClass(Push.class);
    session.runCommand(new SessionCommand.Ack("c1", push.seq()));
    clock.set(NOW + NOTIFY_AFTER.toMillis() + 1);
    session.runCommand(new SessionCommand.NotifyCheck(1, false)); // as the timer would
    assertTrue(notifier.requests().isEmpty());
  }

  @Test
  void aZombieConnectionGetsOneAfterNotifyAfter() {
    newSession();
    put("phone", Platform.FCM, "fcm-token");
    TestProbe<ConnectionMessage> conn = attach("c1");
    conn.expectMessageClass(Attached.class);
    enqueue("m1", HELLO);
    conn.expectMessageClass(Push.class); // never acked
    session.runCommand(new SessionCommand.NotifyCheck(1, false)); // early: not due yet
    assertTrue(notifier.requests().isEmpty());
    clock.set(NOW + NOTIFY_AFTER.toMillis());
    session.runCommand(new SessionCommand.NotifyCheck(1, false));
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.requests().size() == 1);
    session.runCommand(new SessionCommand.NotifyCheck(1, false)); // a second timer: at most once
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> notifier.requests().size() == 1);
  }

  @Test
  void aRestartedSessionArmsTheTimerOfAnUnnotifiedMessage() {
    newSession();
    put("phone", Platform.FCM, "fcm-token");
    TestProbe<ConnectionMessage> conn = attach("c1");
    conn.expectMessageClass(Attached.class);
    enqueue("m1", HELLO);
    clock.set(NOW + NOTIFY_AFTER.toMillis() + 1); // already due when the session recovers
    session.restart();
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.requests().size() == 1);
  }

  @Test
  void anUnregisteredTokenRemovesTheDeviceUnlessItWasReRegistered() {
    newSession();
    put("phone", Platform.FCM, "stale");
    put("tablet", Platform.APNS, "old-apns");
    notifier.answerWith(
        r ->
            r.devices().stream()
                .map(
                    d ->
                        new DeviceOutcome(
                            d.id(),
                            d.platform(),
                            DeviceOutcome.Result.UNREGISTERED,
                            "Unregistered",
                            NOW))
                .toList());
    enqueue("m1", HELLO);
    await().atMost(Duration.ofSeconds(5)).until(() -> session.getState().deviceCount() == 0);
    put("phone", Platform.FCM, "fresh");
    notifier.answerWith(RecordingNotifier.allSent());
    enqueue("m2", HELLO);
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.requests().size() == 2);
    assertEquals(
        List.of("fresh"),
        notifier.requests().get(1).devices().stream().map(Device::token).toList());
  }

  @Test
  void messagesWithoutANotificationOrQos0AreNeverNotified() {
    newSession();
    put("phone", Platform.FCM, "fcm-token");
    enqueue("plain", null);
    session.<SessionCommand.EnqueueResult>runCommand(
        r ->
            new SessionCommand.Enqueue(
                new PushMessage("q0", Qos.AT_MOST_ONCE, "1", NOW, NOW + 1000, null, HELLO), r));
    clock.set(NOW + NOTIFY_AFTER.toMillis() + 1);
    session.runCommand(new SessionCommand.NotifyCheck(1, false));
    assertTrue(notifier.requests().isEmpty());
  }

  // ---- helpers ----

  private DeviceReply put(String id, Platform platform, String token) {
    Device device =
        new Device(
            id,
            platform,
            token,
            platform == Platform.APNS ? "com.example.app" : null,
            clock.millis());
    return session.<DeviceReply>runCommand(r -> new SessionCommand.PutDevice(device, r)).reply();
  }

  private void enqueue(String id, Notification notification) {
    PushMessage message =
        new PushMessage(
            id, Qos.AT_LEAST_ONCE, "{}", clock.millis(), NOW + 3_600_000, null, notification);
    session.<SessionCommand.EnqueueResult>runCommand(r -> new SessionCommand.Enqueue(message, r));
  }

  private TestProbe<ConnectionMessage> attach(String connectionId) {
    TestProbe<ConnectionMessage> probe = testKit.createTestProbe();
    session.runCommand(
        new SessionCommand.Attach(
            new ConnectionInfo(connectionId, "node-1", "websocket", clock.millis()),
            8,
            probe.ref()));
    return probe;
  }

  private List<DeviceOutcome> notifiedOf(String messageId) {
    return session
        .<MessageStatus>runCommand(r -> new SessionCommand.GetMessageStatus(messageId, r))
        .reply()
        .notifications();
  }
}
