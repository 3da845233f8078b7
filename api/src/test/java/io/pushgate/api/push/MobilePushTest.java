package io.pushgate.api.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.api.testing.LocalApnsServer;
import io.pushgate.api.testing.LocalFcmServer;
import io.pushgate.api.testing.LocalProviderServer.Received;
import io.pushgate.api.testing.LocalProviderServer.Script;
import io.pushgate.api.testing.TestPushKeys;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.DeviceOutcome.Result;
import io.pushgate.notify.Notification;
import io.pushgate.notify.NotificationRequest;
import io.pushgate.notify.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The node's mobile push against local servers that implement FCM's and APNs' documented contracts:
 * what is sent (auth signatures verified by the servers, headers, payload, expiry), and how each
 * documented answer is acted on (sent, invalid token, 429 with Retry-After, 5xx, hang), with the
 * bounded queue and the circuit breaker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobilePushTest {

  private static final String PROJECT = "pushgate-test";
  private static final Notification HELLO =
      new Notification(
          "Hello", "You have a message", Map.of("room", "42"), "default", 3, "chat-42");

  private LocalFcmServer fcm;
  private LocalApnsServer apns;
  private ActorTestKit testKit;
  private Config base;
  private MobilePush push;
  private int tokens;
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("push-test");
    KeyPair serviceAccount = TestPushKeys.rsa();
    KeyPair p8 = TestPushKeys.ec();
    fcm = LocalFcmServer.start((RSAPublicKey) serviceAccount.getPublic(), PROJECT);
    apns = LocalApnsServer.start((ECPublicKey) p8.getPublic(), "KEY123", "TEAM123", dir);
    base =
        ConfigFactory.empty()
            .withValue(
                "pushgate.push.ca-file", ConfigValueFactory.fromAnyRef(apns.caPem().toString()))
            .withValue("pushgate.push.request-timeout", ConfigValueFactory.fromAnyRef("1s"))
            .withValue("pushgate.push.backoff-min", ConfigValueFactory.fromAnyRef("100ms"))
            .withValue(
                "pushgate.apps.demo.push.fcm.service-account",
                ConfigValueFactory.fromAnyRef(
                    TestPushKeys.serviceAccount(serviceAccount, PROJECT, fcm.tokenUrl())))
            .withValue(
                "pushgate.apps.demo.push.fcm.base-url",
                ConfigValueFactory.fromAnyRef(fcm.baseUrl()))
            .withValue(
                "pushgate.apps.demo.push.apns.key",
                ConfigValueFactory.fromAnyRef(TestPushKeys.pem(p8)))
            .withValue(
                "pushgate.apps.demo.push.apns.key-id", ConfigValueFactory.fromAnyRef("KEY123"))
            .withValue(
                "pushgate.apps.demo.push.apns.team-id", ConfigValueFactory.fromAnyRef("TEAM123"))
            .withValue(
                "pushgate.apps.demo.push.apns.topic",
                ConfigValueFactory.fromAnyRef("com.example.chat"))
            .withValue(
                "pushgate.apps.demo.push.apns.base-url",
                ConfigValueFactory.fromAnyRef(apns.baseUrl()))
            .withValue("pushgate.apps.quiet.api-key", ConfigValueFactory.fromAnyRef("k"));
    testKit = ActorTestKit.create("MobilePushTest", ConfigFactory.load());
    PushgateMeters.get(testKit.system()).add(metrics);
    push = MobilePush.start(testKit.system(), base.withFallback(ConfigFactory.load()));
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
    fcm.close();
    apns.close();
  }

  @Test
  void sendsToBothProvidersAsTheyDocumentIt() throws Exception {
    Device phone = device(Platform.FCM);
    Device iphone = device(Platform.APNS);
    long expires = System.currentTimeMillis() + 3_600_000;
    List<DeviceOutcome> outcomes = await(push.send(request("m-1", expires, phone, iphone)));
    assertEquals(
        List.of(Result.SENT, Result.SENT), outcomes.stream().map(DeviceOutcome::result).toList());

    JsonNode message = single(fcm.receivedFor(phone.token())).body().path("message");
    assertEquals("Hello", message.path("notification").path("title").asText());
    assertEquals("You have a message", message.path("notification").path("body").asText());
    assertEquals("42", message.path("data").path("room").asText());
    assertEquals("m-1", message.path("data").path("pushgateMessageId").asText());
    assertEquals("chat-42", message.path("android").path("collapse_key").asText());
    long ttl = Long.parseLong(message.path("android").path("ttl").asText().replace("s", ""));
    assertTrue(ttl > 3_590 && ttl <= 3_600, "ttl " + ttl);
    assertEquals(
        Long.toString(expires / 1000),
        message.path("apns").path("headers").path("apns-expiration").asText());

    Received sent = single(apns.receivedFor(iphone.token()));
    assertEquals("HTTP/2.0", sent.protocol());
    assertEquals("com.example.chat", sent.headers().get("apns-topic"));
    assertEquals("alert", sent.headers().get("apns-push-type"));
    assertEquals(Long.toString(expires / 1000), sent.headers().get("apns-expiration"));
    assertEquals("10", sent.headers().get("apns-priority"));
    assertEquals("chat-42", sent.headers().get("apns-collapse-id"));
    assertEquals("Hello", sent.body().path("aps").path("alert").path("title").asText());
    assertEquals(3, sent.body().path("aps").path("badge").asInt());
    assertEquals("42", sent.body().path("room").asText());
  }

  @Test
  void oneAccessTokenServesManySends() throws Exception {
    int before = fcm.tokensIssued();
    await(push.send(request("m-2", future(), device(Platform.FCM))));
    await(push.send(request("m-3", future(), device(Platform.FCM))));
    assertTrue(fcm.tokensIssued() - before <= 1, "tokens issued: " + (fcm.tokensIssued() - before));
  }

  @Test
  void invalidTokensAreReportedAsUnregistered() throws Exception {
    Device phone = device(Platform.FCM);
    Device iphone = device(Platform.APNS);
    fcm.answer(phone.token(), Script.UNREGISTERED);
    apns.answer(iphone.token(), Script.UNREGISTERED);
    List<DeviceOutcome> outcomes = await(push.send(request("m-4", future(), phone, iphone)));
    assertEquals(Result.UNREGISTERED, outcomes.get(0).result());
    assertEquals("UNREGISTERED", outcomes.get(0).reason());
    assertEquals(Result.UNREGISTERED, outcomes.get(1).result());
    assertEquals("Unregistered", outcomes.get(1).reason());
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterAndA503WithBackoff() throws Exception {
    Device phone = device(Platform.FCM);
    Device iphone = device(Platform.APNS);
    fcm.answer(phone.token(), Script.RATE_LIMITED_ONCE);
    apns.answer(iphone.token(), Script.UNAVAILABLE_ONCE);
    List<DeviceOutcome> outcomes = await(push.send(request("m-5", future(), phone, iphone)));
    assertEquals(
        List.of(Result.SENT, Result.SENT), outcomes.stream().map(DeviceOutcome::result).toList());
    List<Received> tries = fcm.receivedFor(phone.token());
    assertEquals(2, tries.size());
    assertTrue(
        tries.get(1).atMillis() - tries.get(0).atMillis() >= 900,
        "Retry-After: 1 was not waited for");
    assertEquals(2, apns.receivedFor(iphone.token()).size());
  }

  @Test
  void aHungProviderFailsAfterItsTriesWithoutHoldingOthers() throws Exception {
    Device stuck = device(Platform.APNS);
    apns.answer(stuck.token(), Script.HANG);
    CompletionStage<List<DeviceOutcome>> hung = push.send(request("m-6", future(), stuck));
    // another device of the same app is served meanwhile
    assertEquals(
        Result.SENT,
        await(push.send(request("m-7", future(), device(Platform.FCM)))).get(0).result());
    DeviceOutcome outcome = await(hung).get(0);
    assertEquals(Result.FAILED, outcome.result());
    assertEquals("timeout", outcome.reason());
    assertEquals(3, apns.receivedFor(stuck.token()).size()); // max-attempts
  }

  @Test
  void aFullQueueDropsAtOnceAndAnOpenCircuitDropsWithoutCalling() throws Exception {
    Config tight =
        ConfigFactory.parseString(
                "pushgate.push { queue-size = 1, max-in-flight = 1, max-attempts = 1, breaker.max-failures = 2 }")
            .withValue(
                "pushgate.apps.tight.push",
                base.getValue("pushgate.apps.demo.push")) // an app of its own: its own meters
            .withFallback(base)
            .withFallback(ConfigFactory.load());
    MobilePush small = MobilePush.start(testKit.system(), tight);
    Device stuck = device(Platform.APNS);
    apns.answer(stuck.token(), Script.HANG);
    CompletionStage<List<DeviceOutcome>> first =
        small.send(request("tight", "q-1", future(), stuck)); // in flight
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> apns.receivedFor(stuck.token()).size() == 1);
    CompletionStage<List<DeviceOutcome>> second =
        small.send(request("tight", "q-2", future(), device(Platform.APNS))); // queued
    List<DeviceOutcome> third =
        await(small.send(request("tight", "q-3", future(), device(Platform.APNS))));
    assertEquals(Result.DROPPED, third.get(0).result());
    assertEquals("queue_full", third.get(0).reason());
    assertEquals(Result.FAILED, await(first).get(0).result());
    assertEquals(Result.SENT, await(second).get(0).result());

    Device down = device(Platform.FCM);
    fcm.answer(down.token(), Script.UNAVAILABLE);
    for (int i = 0; i < 2; i++) {
      DeviceOutcome failed = await(small.send(request("tight", "b-" + i, future(), down))).get(0);
      assertEquals(Result.FAILED, failed.result());
      assertEquals("UNAVAILABLE", failed.reason());
    }
    // the breaker counts a failure as its call completes: wait for it to open, as an operator sees
    // it
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                metrics
                    .find("pushgate.push.circuit.open")
                    .tags("app", "tight", "provider", "fcm")
                    .gauges()
                    .stream()
                    .anyMatch(g -> g.value() == 1.0));
    DeviceOutcome refused = await(small.send(request("tight", "b-2", future(), down))).get(0);
    assertEquals(Result.DROPPED, refused.result());
    assertEquals("circuit_open", refused.reason());
    assertEquals(2, fcm.receivedFor(down.token()).size());
  }

  @Test
  void anExpiredMessageIsNotSentAndAnAppWithoutProvidersIsNeverNotified() throws Exception {
    Device phone = device(Platform.FCM);
    DeviceOutcome outcome =
        await(push.send(request("m-8", System.currentTimeMillis() - 1, phone))).get(0);
    assertEquals(Result.DROPPED, outcome.result());
    assertEquals("expired", outcome.reason());
    assertTrue(fcm.receivedFor(phone.token()).isEmpty());
    assertEquals(Duration.ofSeconds(30), push.notifyAfter("demo").orElseThrow());
    assertTrue(push.notifyAfter("quiet").isEmpty());
  }

  @Test
  void outcomesRetriesRemovalsAndTheQueueAreMeasured() throws Exception {
    double sent =
        count("pushgate.push.notifications", "provider", "fcm", "result", "sent", "reason", "");
    double removed = count("pushgate.push.devices.removed", "provider", "apns");
    double retries = count("pushgate.push.retries", "provider", "apns");
    Device ok = device(Platform.FCM);
    Device gone = device(Platform.APNS);
    Device flaky = device(Platform.APNS);
    apns.answer(gone.token(), Script.UNREGISTERED);
    apns.answer(flaky.token(), Script.UNAVAILABLE_ONCE);
    await(push.send(request("m-9", future(), ok, gone, flaky)));
    assertEquals(
        sent + 1,
        count("pushgate.push.notifications", "provider", "fcm", "result", "sent", "reason", ""));
    assertEquals(removed + 1, count("pushgate.push.devices.removed", "provider", "apns"));
    assertEquals(retries + 1, count("pushgate.push.retries", "provider", "apns"));
    assertEquals(0.0, metrics.get("pushgate.push.queue.depth").tag("app", "demo").gauge().value());
  }

  private double count(String name, String... tags) {
    var c = metrics.find(name).tag("app", "demo").tags(tags).counter();
    return c == null ? 0.0 : c.count();
  }

  // ---- helpers ----

  private Device device(Platform platform) {
    tokens++;
    String token =
        platform == Platform.APNS ? String.format("%064x", tokens) : "fcm-token-" + tokens;
    return new Device(
        platform.wireName() + "-" + tokens, platform, token, null, System.currentTimeMillis());
  }

  private static NotificationRequest request(String messageId, long expiresAt, Device... devices) {
    return request("demo", messageId, expiresAt, devices);
  }

  private static NotificationRequest request(
      String app, String messageId, long expiresAt, Device... devices) {
    return new NotificationRequest(app, "alice", messageId, HELLO, expiresAt, List.of(devices));
  }

  private static long future() {
    return System.currentTimeMillis() + 3_600_000;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Received single(List<Received> received) {
    assertEquals(1, received.size(), () -> "one request expected: " + received);
    return received.get(0);
  }
}
