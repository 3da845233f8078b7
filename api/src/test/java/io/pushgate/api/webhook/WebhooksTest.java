package io.pushgate.api.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.api.testing.CallbackReceiver;
import io.pushgate.callback.CallbackEventType;
import io.pushgate.callback.CallbackEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhook delivery against a real HTTP receiver that answers 2xx, 5xx, hangs or is down: signed
 * batches in order, retries with the same event ids, the circuit breaker opening and closing,
 * give-up after max-attempts, and the queue bound while the receiver is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksTest {

  private static final String SECRET = "callback-secret-of-at-least-32-bytes!";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ActorTestKit testKit =
      ActorTestKit.create(
          "WebhooksTest",
          ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
              .withFallback(ConfigFactory.load()));
  private final CallbackReceiver receiver = CallbackReceiver.start();
  private int apps;

  @AfterEach
  void reset() {
    receiver.answer(200);
  }

  @AfterAll
  void shutdown() {
    receiver.close();
    testKit.shutdownTestKit();
  }

  @Test
  void signedBatchesArriveInOrder() {
    String app = nextApp();
    Webhooks hooks = start(app, "");
    for (int i = 0; i < 250; i++)
      hooks.offer(CallbackEvents.online(app, "u" + i, 1_000L * i, "c" + i, "node-1"));
    await().atMost(WAIT).until(() -> received(app).size() == 250);
    List<JsonNode> events = received(app);
    for (int i = 0; i < 250; i++) assertEquals("u" + i, events.get(i).path("user").asText());
    JsonNode first = events.get(0);
    assertEquals("online", first.path("type").asText());
    assertEquals(app, first.path("app").asText());
    assertEquals("1970-01-01T00:00:00Z", first.path("time").asText());
    assertEquals("c0", first.path("details").path("connection").asText());
    List<CallbackReceiver.Received> requests = requests(app);
    assertTrue(requests.size() >= 3, "at most 100 events per request");
    long now = Instant.now().getEpochSecond();
    for (CallbackReceiver.Received r : requests) {
      assertTrue(r.json().path("events").size() <= 100);
      assertTrue(
          WebhookSignature.verify(
              SECRET.getBytes(StandardCharsets.UTF_8), r.signature(), r.body(), now, 60),
          r.signature());
      assertEquals("pushgate-callbacks", r.userAgent().split(" ")[0]);
    }
    WebhookStats stats = hooks.stats(app).orElseThrow();
    assertEquals(250, stats.sent());
    assertEquals(0, stats.queued());
    assertEquals("closed", stats.circuit());
  }

  @Test
  void signatureRefusesATamperedBodyAndAnOldTimestamp() {
    byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
    byte[] body = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSignature.header(key, 1_000, body);
    assertTrue(WebhookSignature.verify(key, header, body, 1_010, 300));
    assertFalse(
        WebhookSignature.verify(
            key, header, "{\"events\":[1]}".getBytes(StandardCharsets.UTF_8), 1_010, 300));
    assertFalse(WebhookSignature.verify(key, header, body, 2_000, 300));
    assertFalse(
        WebhookSignature.verify(
            "another-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8),
            header,
            body,
            1_010,
            300));
    assertFalse(WebhookSignature.verify(key, "v1=00", body, 1_010, 300));
  }

  @Test
  void a5xxIsRetriedWithTheSameEventIds() {
    String app = nextApp();
    receiver.answer(503);
    Webhooks hooks = start(app, "breaker.max-failures = 100");
    hooks.offer(CallbackEvents.offline(app, "alice", 1));
    hooks.offer(CallbackEvents.offline(app, "bob", 2));
    await().atMost(WAIT).until(() -> requests(app).size() >= 3);
    receiver.answer(204);
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().sent() == 2);
    Set<String> idsPerRequest = new HashSet<>();
    for (CallbackReceiver.Received r : requests(app))
      idsPerRequest.add(r.json().path("events").toString());
    assertEquals(
        1, idsPerRequest.size(), "every attempt carries the same events: " + idsPerRequest);
    WebhookStats stats = hooks.stats(app).orElseThrow();
    assertTrue(stats.retried() >= 2, stats.toString());
    assertEquals("HTTP 503", stats.lastError());
  }

  @Test
  void theBreakerOpensAfterMaxFailuresAndClosesAfterASuccessfulTrial() {
    String app = nextApp();
    receiver.answer(500);
    Webhooks hooks =
        start(app, "breaker { max-failures = 3, reset-timeout = 2s }\nmax-attempts = 100");
    hooks.offer(CallbackEvents.offline(app, "carol", 1));
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().circuit().equals("open"));
    assertEquals(3, requests(app).size());
    // open: no request reaches the receiver, and no attempt is spent
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(1))
        .until(() -> requests(app).size() == 3);
    receiver.answer(200);
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().sent() == 1);
    assertEquals(4, requests(app).size(), "one trial request closed the circuit");
    assertEquals("closed", hooks.stats(app).orElseThrow().circuit());
  }

  @Test
  void aHangingReceiverTimesOutAndIsRetried() {
    String app = nextApp();
    receiver.hang();
    Webhooks hooks = start(app, "request-timeout = 300ms\nbreaker.max-failures = 100");
    hooks.offer(CallbackEvents.offline(app, "dave", 1));
    await().atMost(WAIT).until(() -> requests(app).size() >= 2);
    receiver.answer(200);
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().sent() == 1);
    assertEquals(
        "no answer within the request timeout", hooks.stats(app).orElseThrow().lastError());
  }

  @Test
  void aBatchIsGivenUpOnAfterMaxAttemptsAndDeliveryGoesOn() {
    String app = nextApp();
    receiver.answer(500);
    Webhooks hooks = start(app, "max-attempts = 2\nbreaker.max-failures = 100");
    hooks.offer(CallbackEvents.offline(app, "erin", 1));
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().failed() == 1);
    assertEquals(2, requests(app).size());
    receiver.answer(200);
    hooks.offer(CallbackEvents.offline(app, "frank", 2));
    await().atMost(WAIT).until(() -> hooks.stats(app).orElseThrow().sent() == 1);
    assertEquals("frank", received(app).get(received(app).size() - 1).path("user").asText());
  }

  @Test
  void theQueueStaysBoundedWhileTheReceiverIsDownAndTheNewestEventsSurvive() {
    String app = nextApp();
    try (CallbackReceiver down = CallbackReceiver.start()) {
      down.stop();
      Webhooks hooks =
          start(
              app,
              "queue-size = 50\nmax-batch-events = 10\nbreaker { max-failures = 2, reset-timeout = 300ms }\nmax-attempts = 1000",
              down.url());
      for (int i = 0; i < 1_000; i++) {
        hooks.offer(CallbackEvents.offline(app, "u" + i, i));
        assertTrue(hooks.stats(app).orElseThrow().queued() <= 50);
      }
      WebhookStats whileDown = hooks.stats(app).orElseThrow();
      assertTrue(whileDown.dropped() >= 1_000 - 50 - 10, whileDown.toString());
      assertEquals(1_000, whileDown.offered());
      down.restart();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  hooks.stats(app).orElseThrow().queued() == 0
                      && hooks.stats(app).orElseThrow().sent()
                          == 1_000 - hooks.stats(app).orElseThrow().dropped());
      List<JsonNode> events = down.events();
      assertEquals(
          "u999",
          events.get(events.size() - 1).path("user").asText(),
          "the newest event is delivered");
      Set<String> users = new HashSet<>();
      events.forEach(e -> users.add(e.path("user").asText()));
      for (int i = 950; i < 1_000; i++) assertTrue(users.contains("u" + i), "u" + i);
    }
  }

  @Test
  void drainSendsWhatIsQueuedWithoutWaitingForTheBatchDelay() throws Exception {
    String app = nextApp();
    Webhooks hooks = start(app, "max-batch-delay = 1h, max-batch-events = 10");
    for (int i = 0; i < 35; i++) hooks.offer(CallbackEvents.offline(app, "d" + i, i));
    assertEquals(
        35,
        hooks.stats(app).orElseThrow().queued(),
        "nothing goes out before the (1 h) batch delay");
    hooks.drain(Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertEquals(35, hooks.stats(app).orElseThrow().sent());
    assertEquals(35, received(app).size());
    assertEquals(4, requests(app).size(), "in batches of max-batch-events");
  }

  @Test
  void drainGivesUpAfterItsTimeoutWhenTheReceiverHangs() throws Exception {
    String app = nextApp();
    receiver.hang();
    Webhooks hooks = start(app, "max-batch-delay = 1h\nrequest-timeout = 30s");
    hooks.offer(CallbackEvents.offline(app, "h", 1));
    long start = System.nanoTime();
    hooks.drain(Duration.ofMillis(500)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "bounded by its timeout");
  }

  @Test
  void onlyWantedEventsOfConfiguredAppsAreQueued() {
    String app = nextApp();
    Webhooks hooks = start(app, "");
    assertTrue(hooks.wants(app, CallbackEventType.ONLINE));
    assertFalse(hooks.wants(app, CallbackEventType.MESSAGE_ACKED));
    assertFalse(hooks.wants("other", CallbackEventType.ONLINE));
    hooks.offer(
        CallbackEvents.messageFate(CallbackEventType.MESSAGE_ACKED, app, "u", "m1", 1, 1, null));
    assertEquals(0, hooks.stats(app).orElseThrow().offered());
    assertTrue(hooks.stats("other").isEmpty());
    assertEquals(Duration.ofSeconds(7), hooks.offlineDelay(app));
  }

  @Test
  void invalidSettingsAreRefusedNamingTheKey() {
    assertRefused(
        "callbacks { url = \"ftp://x/y\", secret = \"" + SECRET + "\", events = [online] }",
        "callbacks.url");
    assertRefused(
        "callbacks { url = \"http://x/y\", secret = \"short\", events = [online] }",
        "callbacks.secret");
    assertRefused(
        "callbacks { url = \"http://x/y\", secret = \""
            + SECRET
            + "\", events = \"online,nonsense\" }",
        "nonsense");
    assertRefused(
        "callbacks { url = \"http://x/y\", secret = \"" + SECRET + "\", events = [] }",
        "callbacks.events");
  }

  // ---- helpers ----

  private void assertRefused(String appConfig, String expected) {
    Config config =
        ConfigFactory.parseString("pushgate.apps.bad { " + appConfig + " }")
            .withFallback(ConfigFactory.load());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Webhooks.start(testKit.system(), config));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private String nextApp() {
    return "hooks" + (++apps);
  }

  private Webhooks start(String app, String callbacks) {
    return start(app, callbacks, receiver.url() + "/" + app);
  }

  private Webhooks start(String app, String callbacks, String url) {
    Config config =
        ConfigFactory.parseString(
                "pushgate.callbacks { max-batch-delay = 50ms, request-timeout = 2s, backoff { min = 50ms, max = 200ms } }\n"
                    + "pushgate.callbacks { "
                    + callbacks
                    + " }\n"
                    + "pushgate.apps."
                    + app
                    + ".callbacks { url = \""
                    + url
                    + "\", secret = \""
                    + SECRET
                    + "\","
                    + " events = \"online, offline\", offline-delay = 7s }")
            .withFallback(ConfigFactory.load());
    return Webhooks.start(testKit.system(), config.resolve());
  }

  private List<CallbackReceiver.Received> requests(String app) {
    return receiver.requests().stream().filter(r -> r.path().endsWith("/" + app)).toList();
  }

  private List<JsonNode> received(String app) {
    List<JsonNode> events = new ArrayList<>();
    for (CallbackReceiver.Received r : requests(app)) r.json().path("events").forEach(events::add);
    return events;
  }
}
