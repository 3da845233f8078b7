package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * App-wide broadcasts end to end over real sockets against a real node: who gets a QoS 1 broadcast
 * (existing sessions, online or offline; not sessions created later), acks, redelivery, collapse,
 * TTL, QoS 0, status. Each test uses an app of its own, so broadcasts do not cross tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastEndToEndIT {

  @TempDir static Path dataDir;
  private PushgateNode node;
  private String hostPort;

  @BeforeAll
  void startNode() throws Exception {
    node =
        TestNodes.start(
            TestNodes.withApps(TestNodes.h2Node(dataDir), "b1", "b2", "b3", "b4", "b5", "b6"));
    hostPort = TestNodes.hostPort(node);
  }

  @AfterAll
  void stopNode() throws Exception {
    TestNodes.stop(node);
  }

  private ApiTestClient api(String app) {
    return ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(app));
  }

  private WsTestClient connect(String app, String user) throws Exception {
    return WsTestClient.connectAndHello(hostPort, app, api(app).token(app, user));
  }

  private JsonNode broadcast(String app, String body) throws Exception {
    ApiTestClient.Reply reply = api(app).post("/v1/apps/" + app + "/broadcasts", body);
    assertEquals(202, reply.status(), reply.toString());
    return reply.json();
  }

  @Test
  void reachesOnlineAndOfflineSessionsButNotSessionsCreatedAfterIt() throws Exception {
    String app = "b1";
    try (WsTestClient offline = connect(app, "offline")) {
      // the session now exists; the user goes away before the broadcast
    }
    try (WsTestClient online = connect(app, "online")) {
      JsonNode sent = broadcast(app, "{\"qos\":1,\"data\":{\"news\":1}}");
      assertEquals(1, sent.path("bseq").asLong());
      JsonNode push = online.next("push");
      assertEquals(sent.path("id").asText(), push.path("id").asText());
      assertEquals(1, push.path("bseq").asLong());
      assertTrue(push.path("seq").isMissingNode(), push.toString());
      assertEquals(1, push.path("data").path("news").asInt());
    }
    try (WsTestClient back = connect(app, "offline")) {
      JsonNode push = back.next("push");
      assertEquals(1, push.path("bseq").asLong(), "the offline user gets it when it comes back");
    }
    try (WsTestClient late = connect(app, "newcomer")) {
      String direct = api(app).push(app, "newcomer", "{\"direct\":true}");
      JsonNode first = late.next("push");
      assertEquals(
          direct,
          first.path("id").asText(),
          "a session created after the broadcast got it: " + first);
    }
  }

  @Test
  void unackedBroadcastComesBackOnReconnectAndAckedOneDoesNot() throws Exception {
    String app = "b2";
    String user = "u";
    try (WsTestClient c = connect(app, user)) {
      broadcast(app, "{\"data\":\"one\"}");
      assertEquals(1, c.next("push").path("bseq").asLong());
    }
    try (WsTestClient c = connect(app, user)) {
      JsonNode again = c.next("push");
      assertEquals(1, again.path("bseq").asLong(), "unacked broadcast redelivered");
      c.ackBroadcast(1);
      String two = broadcast(app, "{\"data\":\"two\"}").path("id").asText();
      assertEquals(2, c.next("push").path("bseq").asLong());
      c.ackBroadcast(2);
      awaitAcked(app, two, 1);
    }
    broadcast(app, "{\"data\":\"three\"}");
    try (WsTestClient c = connect(app, user)) {
      assertEquals(3, c.next("push").path("bseq").asLong(), "acked broadcasts came back");
    }
  }

  @Test
  void broadcastsAndDirectMessagesKeepTheirOwnOrderAndAcks() throws Exception {
    String app = "b3";
    try (WsTestClient c = connect(app, "u")) {
      /* create the session */
    }
    broadcast(app, "{\"data\":\"b1\"}");
    String m1 = api(app).push(app, "u", "\"m1\"");
    String b2 = broadcast(app, "{\"data\":\"b2\"}").path("id").asText();
    try (WsTestClient c = connect(app, "u")) {
      long lastBseq = 0;
      boolean sawDirect = false;
      for (int i = 0; i < 3; i++) {
        JsonNode p = c.next("push");
        if (p.has("bseq")) {
          assertEquals(lastBseq + 1, p.path("bseq").asLong(), "broadcasts in bseq order");
          lastBseq = p.path("bseq").asLong();
        } else {
          assertEquals(m1, p.path("id").asText());
          assertEquals(1, p.path("seq").asLong());
          sawDirect = true;
        }
      }
      assertTrue(sawDirect);
      assertEquals(2, lastBseq);
      c.send("{\"t\":\"ack\",\"seq\":1,\"bseq\":2}");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  api(app).get("/v1/apps/" + app + "/users/u").json().path("pending").asInt() == 0);
      awaitAcked(app, b2, 1);
    }
  }

  @Test
  void collapseKeyReplacesTheLiveBroadcastAndTtlExpiresIt() throws Exception {
    String app = "b4";
    try (WsTestClient c = connect(app, "u")) {
      /* create the session */
    }
    JsonNode first = broadcast(app, "{\"data\":\"score 1-0\",\"collapseKey\":\"score\"}");
    JsonNode second = broadcast(app, "{\"data\":\"score 2-0\",\"collapseKey\":\"score\"}");
    assertEquals(first.path("id").asText(), second.path("replacedId").asText());
    JsonNode shortLived = broadcast(app, "{\"data\":\"flash\",\"ttl\":1}");
    String id = shortLived.path("id").asText();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api(app)
                    .get("/v1/apps/" + app + "/broadcasts/" + id)
                    .json()
                    .path("status")
                    .asText()
                    .equals("expired"));
    assertEquals(
        "replaced",
        api(app)
            .get("/v1/apps/" + app + "/broadcasts/" + first.path("id").asText())
            .json()
            .path("status")
            .asText());
    try (WsTestClient c = connect(app, "u")) {
      JsonNode push = c.next("push");
      assertEquals(second.path("id").asText(), push.path("id").asText());
      assertEquals("score 2-0", push.path("data").asText());
      String direct = api(app).push(app, "u", "\"after\"");
      assertEquals(
          direct,
          c.next("push").path("id").asText(),
          "replaced or expired broadcast was delivered");
    }
  }

  @Test
  void qos0BroadcastReachesOnlineConnectionsOnlyAndIsNeverStored() throws Exception {
    String app = "b5";
    try (WsTestClient away = connect(app, "away")) {
      /* exists, offline */
    }
    try (WsTestClient a = connect(app, "a");
        WsTestClient b = connect(app, "b")) {
      JsonNode sent = broadcast(app, "{\"qos\":0,\"data\":\"live\"}");
      assertEquals(0, sent.path("qos").asInt());
      for (WsTestClient c : new WsTestClient[] {a, b}) {
        JsonNode push = c.next("push");
        assertEquals(sent.path("id").asText(), push.path("id").asText());
        assertEquals(0, push.path("qos").asInt());
        assertTrue(
            push.path("bseq").isMissingNode() && push.path("seq").isMissingNode(), push.toString());
      }
    }
    try (WsTestClient back = connect(app, "away")) {
      String direct = api(app).push(app, "away", "\"direct\"");
      assertEquals(direct, back.next("push").path("id").asText(), "a QoS 0 broadcast was stored");
    }
  }

  @Test
  void statusCountsAcksAndRefusesUnknownIds() throws Exception {
    String app = "b6";
    JsonNode sent;
    try (WsTestClient a = connect(app, "a");
        WsTestClient b = connect(app, "b")) {
      sent = broadcast(app, "{\"data\":\"x\",\"ttl\":600}");
      for (WsTestClient c : new WsTestClient[] {a, b}) {
        assertEquals(1, c.next("push").path("bseq").asLong());
        c.ackBroadcast(1);
      }
      awaitAcked(app, sent.path("id").asText(), 2);
    }
    JsonNode status =
        api(app).get("/v1/apps/" + app + "/broadcasts/" + sent.path("id").asText()).json();
    assertEquals("live", status.path("status").asText());
    assertEquals(600, status.path("ttl").asLong());
    assertTrue(status.path("ackedSessionsIsEstimate").asBoolean());
    ApiTestClient.Reply unknown = api(app).get("/v1/apps/" + app + "/broadcasts/nope");
    assertEquals(404, unknown.status());
    assertEquals("unknown_broadcast", unknown.json().path("code").asText());
    ApiTestClient.Reply bad =
        api(app).post("/v1/apps/" + app + "/broadcasts", "{\"to\":[\"a\"],\"data\":1}");
    assertEquals(400, bad.status());
    assertEquals("invalid_field", bad.json().path("code").asText());
  }

  /** Waits until {@code sessions} sessions have (persisted) acks of broadcast {@code id}. */
  private void awaitAcked(String app, String id, int sessions) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api(app)
                        .get("/v1/apps/" + app + "/broadcasts/" + id)
                        .json()
                        .path("ackedSessions")
                        .asLong()
                    >= sessions);
  }
}
