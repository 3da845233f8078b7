package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pushgate.api.testing.CallbackReceiver;
import io.pushgate.api.webhook.WebhookSignature;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Status callbacks end to end: a real node (embedded H2), real WebSocket clients and a real HTTP
 * receiver. connected / disconnected with the close code, online / offline with the debounce (a
 * reconnect inside the offline delay raises nothing), message.acked, signatures, and the operator
 * view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksEndToEndIT {

  private static final String APP = "cbapp";
  private static final String SECRET = "callback-secret-for-the-end-to-end-test";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private CallbackReceiver receiver;
  private PushgateNode node;
  private String hostPort;
  private ApiTestClient api;

  @BeforeAll
  void start() throws Exception {
    receiver = CallbackReceiver.start();
    node =
        TestNodes.start(
            ConfigFactory.parseString(
                    "pushgate.callbacks.max-batch-delay = 50ms\n"
                        + "pushgate.apps."
                        + APP
                        + ".callbacks { url = \""
                        + receiver.url()
                        + "\", secret = \""
                        + SECRET
                        + "\","
                        + " events = [online, offline, connected, disconnected, message.acked], offline-delay = 1s }")
                .withFallback(TestNodes.withApps(TestNodes.h2Node(dataDir), APP)));
    hostPort = TestNodes.hostPort(node);
    api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
  }

  @AfterAll
  void stop() throws Exception {
    TestNodes.stop(node);
    receiver.close();
  }

  @Test
  void connectAndCloseRaiseConnectedOnlineDisconnectedAndOffline() throws Exception {
    String user = "alice";
    WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user));
    await().atMost(WAIT).until(() -> types(user).containsAll(List.of("online", "connected")));
    JsonNode connected = event(user, "connected");
    assertEquals("websocket", connected.path("details").path("transport").asText());
    assertTrue(
        connected.path("details").path("node").asText().startsWith("pekko://pushgate@"),
        connected.toString());
    String connection = connected.path("details").path("connection").asText();
    assertEquals("connected:" + connection + ":" + APP, connected.path("id").asText());

    c.closeGracefully();
    await().atMost(WAIT).until(() -> types(user).contains("offline"));
    JsonNode disconnected = event(user, "disconnected");
    assertEquals(1000, disconnected.path("details").path("closeCode").asInt());
    assertEquals("client_closed", disconnected.path("details").path("reason").asText());
    assertEquals(connection, disconnected.path("details").path("connection").asText());
    assertEquals(
        List.of("connected", "disconnected", "offline", "online"),
        types(user).stream().sorted().toList());
  }

  @Test
  void aReconnectInsideTheOfflineDelayRaisesNeitherOfflineNorOnline() throws Exception {
    String user = "bob";
    String token = api.token(APP, user);
    WsTestClient first = WsTestClient.connectAndHello(hostPort, APP, token);
    await().atMost(WAIT).until(() -> types(user).contains("online"));
    first.closeGracefully();
    try (WsTestClient second = WsTestClient.connectAndHello(hostPort, APP, token)) {
      await()
          .atMost(WAIT)
          .until(() -> types(user).stream().filter("connected"::equals).count() == 2);
      // well past the 1 s offline delay: still online, announced once
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  !types(user).contains("offline")
                      && types(user).stream().filter("online"::equals).count() == 1);
    }
  }

  @Test
  void anAckedMessageIsReportedAndEveryRequestIsSigned() throws Exception {
    String user = "carol";
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      String id = api.push(APP, user, "{\"n\":1}");
      JsonNode push = c.next("push");
      c.ack(push.path("seq").asLong());
      await().atMost(WAIT).until(() -> types(user).contains("message.acked"));
      JsonNode acked = event(user, "message.acked");
      assertEquals(id, acked.path("details").path("messageId").asText());
      assertEquals("message.acked:" + APP + ":" + user + ":" + id, acked.path("id").asText());
    }
    long now = Instant.now().getEpochSecond();
    byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
    for (CallbackReceiver.Received r : receiver.requests()) {
      assertTrue(
          WebhookSignature.verify(key, r.signature(), r.body(), now, 300),
          "signed: " + r.signature());
    }
  }

  @Test
  void theOperatorViewShowsTheCounters() throws Exception {
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "dave"))) {
      await().atMost(WAIT).until(() -> types("dave").contains("connected"));
    }
    await()
        .atMost(WAIT)
        .until(() -> api.get("/v1/apps/" + APP + "/callbacks").json().path("sent").asLong() > 0);
    ApiTestClient.Reply view = api.get("/v1/apps/" + APP + "/callbacks");
    assertEquals(200, view.status());
    assertEquals("closed", view.json().path("circuit").asText());
    assertEquals(receiver.url(), view.json().path("url").asText());
    assertEquals(0, view.json().path("dropped").asLong());
    String metrics = MetricsScrape.scrape(node);
    assertTrue(
        MetricsScrape.value(metrics, "pushgate_webhook_events_sent_total", "app=\"" + APP + "\"")
            > 0,
        metrics);
    assertEquals(
        0.0,
        MetricsScrape.value(metrics, "pushgate_webhook_circuit_open", "app=\"" + APP + "\""),
        metrics);
    ApiTestClient demo = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.API_KEY);
    ApiTestClient.Reply none = demo.get("/v1/apps/demo/callbacks");
    assertEquals(404, none.status());
    assertEquals("not_found", none.json().path("code").asText());
    ApiTestClient wrongKey = ApiTestClient.node(TestNodes.apiHostPort(node), "wrong");
    assertEquals(401, wrongKey.get("/v1/apps/" + APP + "/callbacks").status());
  }

  // ---- helpers ----

  private List<String> types(String user) {
    return receiver.events().stream()
        .filter(e -> e.path("user").asText().equals(user))
        .map(e -> e.path("type").asText())
        .toList();
  }

  private JsonNode event(String user, String type) {
    return receiver.events().stream()
        .filter(e -> e.path("user").asText().equals(user) && e.path("type").asText().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
