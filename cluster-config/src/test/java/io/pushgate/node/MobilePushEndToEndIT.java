package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.pushgate.api.testing.CallbackReceiver;
import io.pushgate.api.testing.LocalApnsServer;
import io.pushgate.api.testing.LocalFcmServer;
import io.pushgate.api.testing.LocalProviderServer.Script;
import io.pushgate.api.testing.TestPushKeys;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mobile push end to end: a real node (embedded H2) configured as docs/push.md says, real WebSocket
 * clients, and local FCM and APNs servers that implement the providers' documented contracts (APNs
 * over HTTP/2 with TLS from a test CA). An offline user's two devices are notified once; a user who
 * acks is not; a zombie connection is after notify-after; a token the provider calls invalid is
 * removed and never used again; a hung provider does not slow delivery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobilePushEndToEndIT {

  private static final String APP = "pushapp";
  private static final String HUNG_APP = "pushhung";
  private static final String PROJECT = "pushgate-e2e";
  private static final Duration NOTIFY_AFTER = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NOTIFICATION =
      "\"notification\":{\"title\":\"New message\",\"body\":\"Open the app\"}";

  @TempDir static Path dataDir;
  @TempDir static Path keysDir;
  private LocalFcmServer fcm;
  private LocalApnsServer apns;
  private CallbackReceiver callbacks;
  private PushgateNode node;
  private String hostPort;
  private ApiTestClient api;
  private ApiTestClient hungApi;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    KeyPair serviceAccount = TestPushKeys.rsa();
    KeyPair p8 = TestPushKeys.ec();
    fcm = LocalFcmServer.start((RSAPublicKey) serviceAccount.getPublic(), PROJECT);
    apns = LocalApnsServer.start((ECPublicKey) p8.getPublic(), "KEYE2E", "TEAME2E", keysDir);
    Path accountFile = keysDir.resolve("service-account.json");
    TestPushKeys.write(
        accountFile, TestPushKeys.serviceAccount(serviceAccount, PROJECT, fcm.tokenUrl()));
    Path p8File = keysDir.resolve("AuthKey_KEYE2E.p8");
    TestPushKeys.write(p8File, TestPushKeys.pem(p8));
    callbacks = CallbackReceiver.start();
    Config config =
        ConfigFactory.parseString("pushgate.callbacks.max-batch-delay = 50ms")
            .withValue(
                "pushgate.push.ca-file", ConfigValueFactory.fromAnyRef(apns.caPem().toString()))
            .withValue("pushgate.push.request-timeout", ConfigValueFactory.fromAnyRef("2s"));
    for (String app :
        List.of(APP, HUNG_APP)) { // two apps: a hung provider opens its app's circuit only
      String prefix = "pushgate.apps." + app + ".";
      config =
          config
              .withValue(
                  prefix + "push.notify-after",
                  ConfigValueFactory.fromAnyRef(NOTIFY_AFTER.toMillis() + "ms"))
              .withValue(
                  prefix + "push.fcm.service-account-file",
                  ConfigValueFactory.fromAnyRef(accountFile.toString()))
              .withValue(prefix + "push.fcm.base-url", ConfigValueFactory.fromAnyRef(fcm.baseUrl()))
              .withValue(
                  prefix + "push.apns.key-file", ConfigValueFactory.fromAnyRef(p8File.toString()))
              .withValue(prefix + "push.apns.key-id", ConfigValueFactory.fromAnyRef("KEYE2E"))
              .withValue(prefix + "push.apns.team-id", ConfigValueFactory.fromAnyRef("TEAME2E"))
              .withValue(
                  prefix + "push.apns.topic", ConfigValueFactory.fromAnyRef("com.example.chat"))
              .withValue(
                  prefix + "push.apns.base-url", ConfigValueFactory.fromAnyRef(apns.baseUrl()));
    }
    String prefix = "pushgate.apps." + APP + ".";
    node =
        TestNodes.start(
            config
                .withValue(prefix + "callbacks.url", ConfigValueFactory.fromAnyRef(callbacks.url()))
                .withValue(
                    prefix + "callbacks.secret",
                    ConfigValueFactory.fromAnyRef("push-e2e-callback-secret-0123456789abcdef"))
                .withValue(
                    prefix + "callbacks.events",
                    ConfigValueFactory.fromAnyRef(List.of("message.notified")))
                .withFallback(TestNodes.withApps(TestNodes.h2Node(dataDir), APP, HUNG_APP)));
    hostPort = TestNodes.hostPort(node);
    api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
    hungApi = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(HUNG_APP));
  }

  @AfterAll
  void stop() throws Exception {
    TestNodes.stop(node);
    fcm.close();
    apns.close();
    callbacks.close();
  }

  @Test
  void anOfflineUserWithTwoDevicesGetsBothNotifiedOnceAndTheMessageOnReturn() throws Exception {
    String user = newUser();
    String fcmToken = "fcm-" + user;
    String apnsToken = apnsToken(user);
    putDevice(user, "pixel", "{\"platform\":\"fcm\",\"token\":\"" + fcmToken + "\"}");
    putDevice(user, "iphone", "{\"platform\":\"apns\",\"token\":\"" + apnsToken + "\"}");
    String id = send(user);
    await()
        .atMost(WAIT)
        .until(
            () -> fcm.receivedFor(fcmToken).size() == 1 && apns.receivedFor(apnsToken).size() == 1);
    assertEquals(
        id,
        fcm.receivedFor(fcmToken)
            .get(0)
            .body()
            .path("message")
            .path("data")
            .path("pushgateMessageId")
            .asText());
    assertEquals(
        "com.example.chat", apns.receivedFor(apnsToken).get(0).headers().get("apns-topic"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                status(user, id)
                    .path("notifications")
                    .findValuesAsText("result")
                    .equals(List.of("sent", "sent")));
    await()
        .atMost(WAIT)
        .until(
            () ->
                callbacks.events().stream()
                    .anyMatch(
                        e ->
                            e.path("type").asText().equals("message.notified")
                                && e.path("details").path("messageId").asText().equals(id)
                                && e.path("details").path("devices").size() == 2));
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      JsonNode push = client.next("push");
      assertEquals(id, push.path("id").asText());
      client.ack(push.path("seq").asLong());
    }
    await()
        .during(Duration.ofMillis(NOTIFY_AFTER.toMillis() + 500))
        .atMost(WAIT)
        .until(
            () -> fcm.receivedFor(fcmToken).size() == 1 && apns.receivedFor(apnsToken).size() == 1);
  }

  @Test
  void anOnlineUserWhoAcksGetsNone() throws Exception {
    String user = newUser();
    String token = "fcm-" + user;
    putDevice(user, "pixel", "{\"platform\":\"fcm\",\"token\":\"" + token + "\"}");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      send(user);
      client.ack(client.next("push").path("seq").asLong());
      await()
          .during(Duration.ofMillis(NOTIFY_AFTER.toMillis() + 1_000))
          .atMost(WAIT)
          .until(() -> fcm.receivedFor(token).isEmpty());
    }
  }

  @Test
  void aZombieConnectionGetsOneNotificationAfterNotifyAfter() throws Exception {
    String user = newUser();
    String token = apnsToken(user);
    putDevice(user, "iphone", "{\"platform\":\"apns\",\"token\":\"" + token + "\"}");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      long sentAt = System.currentTimeMillis();
      send(user);
      client.next("push"); // received, never acked
      await().atMost(WAIT).until(() -> apns.receivedFor(token).size() == 1);
      long after = apns.receivedFor(token).get(0).atMillis() - sentAt;
      assertTrue(
          after >= NOTIFY_AFTER.toMillis() - 100,
          "notified after " + after + " ms, before notify-after");
      await()
          .during(Duration.ofMillis(1_000))
          .atMost(WAIT)
          .until(() -> apns.receivedFor(token).size() == 1);
    }
  }

  @Test
  void aTokenTheProviderCallsInvalidIsRemovedAndNeverUsedAgain() throws Exception {
    String user = newUser();
    String stale = "fcm-stale-" + user;
    String removedByApp = apnsToken(user);
    fcm.answer(stale, Script.UNREGISTERED);
    putDevice(user, "old-phone", "{\"platform\":\"fcm\",\"token\":\"" + stale + "\"}");
    putDevice(user, "old-iphone", "{\"platform\":\"apns\",\"token\":\"" + removedByApp + "\"}");
    assertEquals(
        200, api.delete("/v1/apps/" + APP + "/users/" + user + "/devices/old-iphone").status());
    String first = send(user);
    await()
        .atMost(WAIT)
        .until(
            () ->
                status(user, first)
                    .path("notifications")
                    .findValuesAsText("result")
                    .equals(List.of("unregistered")));
    assertEquals(
        0,
        api.get("/v1/apps/" + APP + "/users/" + user + "/devices").json().path("devices").size());
    String fresh = "fcm-fresh-" + user;
    putDevice(user, "new-phone", "{\"platform\":\"fcm\",\"token\":\"" + fresh + "\"}");
    send(user);
    await().atMost(WAIT).until(() -> fcm.receivedFor(fresh).size() == 1);
    assertEquals(1, fcm.receivedFor(stale).size());
    assertTrue(apns.receivedFor(removedByApp).isEmpty());
  }

  @Test
  void aHungProviderDoesNotSlowDelivery() throws Exception {
    String away = newUser();
    String hung = apnsToken(away);
    apns.answer(hung, Script.HANG);
    putDevice(
        hungApi, HUNG_APP, away, "iphone", "{\"platform\":\"apns\",\"token\":\"" + hung + "\"}");
    for (int i = 0; i < 5; i++)
      send(hungApi, HUNG_APP, away); // five notifications stuck at the provider
    await().atMost(WAIT).until(() -> apns.receivedFor(hung).size() >= 1);
    String online = newUser();
    putDevice(
        hungApi, HUNG_APP, online, "iphone", "{\"platform\":\"apns\",\"token\":\"" + hung + "\"}");
    try (WsTestClient client =
        WsTestClient.connectAndHello(hostPort, HUNG_APP, hungApi.token(HUNG_APP, online))) {
      long start = System.nanoTime();
      long accepted = timed(() -> send(hungApi, HUNG_APP, online));
      JsonNode push = client.next("push");
      long delivered = (System.nanoTime() - start) / 1_000_000;
      client.ack(push.path("seq").asLong());
      assertTrue(accepted < 1_000, "202 took " + accepted + " ms while the provider hangs");
      assertTrue(delivered < 1_000, "delivery took " + delivered + " ms while the provider hangs");
    }
  }

  // ---- helpers ----

  private String newUser() {
    return "pu" + users.incrementAndGet() + "-" + System.nanoTime() % 100_000;
  }

  private static String apnsToken(String user) {
    return String.format("%064x", new BigInteger(1, user.getBytes(StandardCharsets.UTF_8)));
  }

  private void putDevice(String user, String id, String body) throws Exception {
    putDevice(api, APP, user, id, body);
  }

  private static void putDevice(ApiTestClient api, String app, String user, String id, String body)
      throws Exception {
    ApiTestClient.Reply reply =
        api.put("/v1/apps/" + app + "/users/" + user + "/devices/" + id, body);
    assertEquals(201, reply.status(), () -> "PUT device: " + reply);
  }

  private String send(String user) throws Exception {
    return send(api, APP, user);
  }

  private static String send(ApiTestClient api, String app, String user) throws Exception {
    ApiTestClient.Reply reply =
        api.post(
            "/v1/apps/" + app + "/messages",
            "{\"to\":[\""
                + user
                + "\"],\"qos\":1,\"data\":{\"text\":\"hi\"},"
                + NOTIFICATION
                + "}");
    assertEquals(202, reply.status(), () -> "send: " + reply);
    return reply.json().path("id").asText();
  }

  private JsonNode status(String user, String id) throws Exception {
    return api.get("/v1/apps/" + APP + "/users/" + user + "/messages/" + id).json();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static long timed(Call call) throws Exception {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
