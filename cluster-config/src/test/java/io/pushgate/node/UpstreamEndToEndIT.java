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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream data end to end: a real node (embedded H2), real WebSocket clients and a real HTTP
 * backend that answers 2xx (with a reply), 4xx, hangs or is down. The round trip with the reply
 * routed back as a QoS 1 push, every documented error code, and the operator view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamEndToEndIT {

  private static final String APP = "upapp";
  private static final String SECRET = "upstream-secret-for-the-end-to-end-test";

  @TempDir static Path dataDir;
  private CallbackReceiver backend;
  private CallbackReceiver downBackend;
  private PushgateNode node;
  private String hostPort;
  private ApiTestClient api;

  @BeforeAll
  void start() throws Exception {
    backend = CallbackReceiver.start();
    downBackend = CallbackReceiver.start();
    downBackend.stop();
    node =
        TestNodes.start(
            ConfigFactory.parseString(
                    "pushgate.upstream.request-timeout = 1s\n"
                        + "pushgate.gateway.upstream { rate = 5, burst = 5, max-in-flight = 2 }\n"
                        + "pushgate.apps."
                        + APP
                        + ".upstream { secret = \""
                        + SECRET
                        + "\","
                        + " default-url = \""
                        + backend.url()
                        + "\","
                        + " types { audit = \"\", \"to.down\" = \"http://127.0.0.1:"
                        + downBackend.port()
                        + "/up\" } }")
                .withFallback(TestNodes.withApps(TestNodes.h2Node(dataDir), APP)));
    hostPort = TestNodes.hostPort(node);
    api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
  }

  @AfterEach
  void reset() {
    backend.answer(200);
  }

  @AfterAll
  void stop() throws Exception {
    TestNodes.stop(node);
    backend.close();
    downBackend.close();
  }

  @Test
  void anUpFrameReachesTheBackendSignedAndItsReplyComesBackAsAPush() throws Exception {
    backend.answer(200, "{\"reply\":{\"text\":\"pong\",\"n\":2}}");
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "alice"))) {
      c.send("{\"t\":\"up\",\"id\":\"c-17\",\"type\":\"chat\",\"data\":{\"text\":\"ping\"}}");
      List<JsonNode> frames = List.of(c.poll(WsTestClient.TIMEOUT), c.poll(WsTestClient.TIMEOUT));
      JsonNode upack =
          frames.stream()
              .filter(f -> f.path("t").asText().equals("upack"))
              .findFirst()
              .orElseThrow();
      JsonNode push =
          frames.stream()
              .filter(f -> f.path("t").asText().equals("push"))
              .findFirst()
              .orElseThrow();
      assertEquals("c-17", upack.path("id").asText());
      assertEquals("ok", upack.path("status").asText());
      assertEquals(
          upack.path("reply").asText(),
          push.path("id").asText(),
          "upack names the reply's message id");
      assertEquals(1, push.path("qos").asInt());
      assertEquals("pong", push.path("data").path("text").asText());
      c.ack(push.path("seq").asLong());

      CallbackReceiver.Received request = backend.requests().get(backend.requests().size() - 1);
      JsonNode body = request.json();
      assertEquals("c-17", body.path("id").asText());
      assertEquals("chat", body.path("type").asText());
      assertEquals(APP, body.path("app").asText());
      assertEquals("alice", body.path("user").asText());
      assertEquals(APP + ":alice", body.path("session").asText());
      assertTrue(body.path("node").asText().startsWith("pekko://pushgate@"));
      assertTrue(!body.path("connection").asText().isEmpty());
      assertEquals("ping", body.path("data").path("text").asText());
      assertTrue(
          WebhookSignature.verify(
              SECRET.getBytes(StandardCharsets.UTF_8),
              request.signature(),
              request.body(),
              Instant.now().getEpochSecond(),
              300));
      assertEquals("pushgate-upstream", request.userAgent().split(" ")[0]);
    }
  }

  @Test
  void withoutAReplyTheUpackNamesNone() throws Exception {
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "bob"))) {
      c.send("{\"t\":\"up\",\"id\":\"1\",\"type\":\"chat\",\"data\":[1,2,3]}");
      JsonNode upack = c.next("upack");
      assertTrue(upack.path("reply").isMissingNode(), upack.toString());
      assertTrue(c.poll(Duration.ofMillis(300)) == null, "no push without a reply");
    }
  }

  @Test
  void everyFailureIsAnsweredWithItsCodeAndTheConnectionStays() throws Exception {
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "carol"))) {
      backend.answer(422);
      c.send("{\"t\":\"up\",\"id\":\"r\",\"type\":\"chat\",\"data\":1}");
      JsonNode rejected = c.next("error");
      assertError(rejected, "upstream_rejected", "r");
      assertEquals(422, rejected.path("status").asInt(), "the backend's status");
      backend.answer(200);

      c.send("{\"t\":\"up\",\"id\":\"n\",\"type\":\"audit\",\"data\":1}");
      assertError(c.next("error"), "upstream_not_allowed", "n");

      c.send("{\"t\":\"up\",\"id\":\"d\",\"type\":\"to.down\",\"data\":1}");
      assertError(c.next("error"), "upstream_unavailable", "d");

      c.send(
          "{\"t\":\"up\",\"id\":\"big\",\"type\":\"chat\",\"data\":\"" + "x".repeat(5_000) + "\"}");
      assertError(c.next("error"), "payload_too_large", "big");

      c.send("{\"t\":\"ping\"}");
      c.next("pong");
    }
  }

  @Test
  void aHangingBackendTimesOutAndInFlightIsBounded() throws Exception {
    backend.hang();
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "dave"))) {
      for (String id : List.of("h1", "h2", "h3"))
        c.send("{\"t\":\"up\",\"id\":\"" + id + "\",\"type\":\"chat\",\"data\":1}");
      assertError(c.next("error"), "upstream_busy", "h3"); // max-in-flight = 2
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < 2; i++) codes.add(c.next("error").path("code").asText());
      assertEquals(
          List.of("upstream_unavailable", "upstream_unavailable"),
          codes,
          "after the 1 s request timeout");
    }
  }

  @Test
  void upFramesPastTheRateAreRefusedWithoutClosing() throws Exception {
    backend.answer(204);
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "erin"))) {
      for (int i = 0; i < 8; i++)
        c.send("{\"t\":\"up\",\"id\":\"q" + i + "\",\"type\":\"chat\",\"data\":" + i + "}");
      int ok = 0;
      int limited = 0;
      for (int i = 0; i < 8; i++) {
        JsonNode f = c.poll(WsTestClient.TIMEOUT);
        if (f.path("t").asText().equals("upack")) ok++;
        else if (f.path("code").asText().equals("rate_limited")) limited++;
      }
      assertTrue(ok <= 5 + 1 && limited >= 2, "burst 5: ok " + ok + ", rate_limited " + limited);
      c.send("{\"t\":\"ping\"}");
      c.next("pong");
    }
  }

  @Test
  void theOperatorViewCountsUpstream() throws Exception {
    try (WsTestClient c = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, "frank"))) {
      c.send("{\"t\":\"up\",\"id\":\"v\",\"type\":\"chat\",\"data\":1}");
      c.next("upack");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> api.get("/v1/apps/" + APP + "/upstream").json().path("ok").asLong() >= 1);
    JsonNode view = api.get("/v1/apps/" + APP + "/upstream").json();
    assertTrue(view.path("forwarded").asLong() >= 1);
    assertEquals(APP, view.path("app").asText());
    String metrics = MetricsScrape.scrape(node);
    assertTrue(
        MetricsScrape.value(metrics, "pushgate_upstream_ok_total", "app=\"" + APP + "\"") >= 1,
        metrics);
    assertTrue(
        MetricsScrape.value(metrics, "pushgate_upstream_forwarded_total", "app=\"" + APP + "\"")
            >= 1,
        metrics);
    ApiTestClient demo = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.API_KEY);
    assertEquals(404, demo.get("/v1/apps/demo/upstream").status());
  }

  @Test
  void theDemoAppTakesNoUpstreamData() throws Exception {
    ApiTestClient demo = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.API_KEY);
    try (WsTestClient c =
        WsTestClient.connectAndHello(hostPort, "demo", demo.token("demo", "grace"))) {
      c.send("{\"t\":\"up\",\"id\":\"x\",\"type\":\"chat\",\"data\":1}");
      assertError(c.next("error"), "upstream_not_allowed", "x");
    }
  }

  private static void assertError(JsonNode error, String code, String id) {
    assertEquals(code, error.path("code").asText(), error.toString());
    assertEquals(id, error.path("id").asText(), error.toString());
  }
}
