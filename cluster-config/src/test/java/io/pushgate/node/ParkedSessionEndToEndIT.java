package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parked sessions end to end (docs/architecture.md, "Parked sessions"): a real node (embedded H2)
 * with {@code connected-idle-passivation = 1s} and real WebSocket clients. A connected user whose
 * session parked gets QoS 1 and QoS 0 messages on the same connection, acks them, and the message
 * fate is recorded; a user who leaves while parked is offline and gets the message on return;
 * broadcasts reach parked users without waking their sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParkedSessionEndToEndIT {

  private static final String APP = "parkapp";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private PushgateNode node;
  private String hostPort;
  private ApiTestClient api;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    node =
        TestNodes.start(
            ConfigFactory.parseString(
                    "pushgate.session.connected-idle-passivation = 1s\npushgate.broadcast.ack-report-delay = 200ms")
                .withFallback(TestNodes.withApps(TestNodes.h2Node(dataDir), APP)));
    hostPort = TestNodes.hostPort(node);
    api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
  }

  @AfterAll
  void stop() throws Exception {
    TestNodes.stop(node);
  }

  @Test
  void aParkedUserGetsMessagesOnItsOpenConnectionAndAcksThem() throws Exception {
    String user = newUser();
    double parked = counter("pushgate_sessions_parked_total");
    double woken = counter("pushgate_sessions_woken_total");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      await().atMost(WAIT).until(() -> counter("pushgate_sessions_parked_total") >= parked + 1);
      assertTrue(online(user), "a parked user is online"); // this request wakes the session
      await().atMost(WAIT).until(() -> counter("pushgate_sessions_parked_total") >= parked + 2);

      String id = api.push(APP, user, "{\"n\":1}");
      JsonNode push = client.next("push");
      assertEquals(id, push.path("id").asText());
      client.ack(push.path("seq").asLong());
      await().atMost(WAIT).until(() -> "acked".equals(fate(user, id)));
      assertTrue(
          counter("pushgate_sessions_woken_total") >= woken + 2,
          "woken by the status request and by the message");

      await().atMost(WAIT).until(() -> counter("pushgate_sessions_parked_total") >= parked + 3);
      ApiTestClient.Reply qos0 =
          api.post(
              "/v1/apps/" + APP + "/messages",
              "{\"to\":[\"" + user + "\"],\"qos\":0,\"data\":{\"n\":2}}");
      assertEquals(202, qos0.status(), qos0.toString());
      JsonNode live = client.next("push");
      assertEquals(0, live.path("qos").asInt(), live.toString());
      assertEquals(2, live.path("data").path("n").asInt(), live.toString());
    }
  }

  @Test
  void aUserWhoLeavesWhileParkedIsOfflineAndGetsTheMessageOnReturn() throws Exception {
    String user = newUser();
    double parked = counter("pushgate_sessions_parked_total");
    String token = api.token(APP, user);
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, token)) {
      await().atMost(WAIT).until(() -> counter("pushgate_sessions_parked_total") >= parked + 1);
    }
    await().atMost(WAIT).until(() -> !online(user));
    String id = api.push(APP, user, "{\"n\":1}");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, token)) {
      assertEquals(1, client.welcome.path("pending").asInt(), client.welcome.toString());
      JsonNode push = client.next("push");
      assertEquals(id, push.path("id").asText());
      client.ack(push.path("seq").asLong());
      await().atMost(WAIT).until(() -> "acked".equals(fate(user, id)));
    }
  }

  @Test
  void aBroadcastReachesParkedUsersWithoutWakingThem() throws Exception {
    double parked = counter("pushgate_sessions_parked_total");
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++)
        clients.add(WsTestClient.connectAndHello(hostPort, APP, api.token(APP, newUser())));
      await().atMost(WAIT).until(() -> counter("pushgate_sessions_parked_total") >= parked + 3);
      double woken = counter("pushgate_sessions_woken_total");
      ApiTestClient.Reply sent =
          api.post("/v1/apps/" + APP + "/broadcasts", "{\"qos\":1,\"data\":{\"b\":1}}");
      assertEquals(202, sent.status(), sent.toString());
      for (WsTestClient client : clients) {
        JsonNode push = client.next("push");
        assertEquals(1, push.path("data").path("b").asInt(), push.toString());
        client.ackBroadcast(push.path("bseq").asLong());
      }
      // the acks are held while the sessions are parked: past the report delay, none was woken
      await()
          .during(Duration.ofSeconds(1))
          .atMost(WAIT)
          .until(() -> counter("pushgate_sessions_woken_total") == woken);
    } finally {
      clients.forEach(WsTestClient::close);
    }
  }

  private String newUser() {
    return "parked-" + users.incrementAndGet() + "-" + System.nanoTime();
  }

  private double counter(String name) throws Exception {
    return Math.max(0, MetricsScrape.value(MetricsScrape.scrape(node), name));
  }

  private boolean online(String user) throws Exception {
    ApiTestClient.Reply status = api.get("/v1/apps/" + APP + "/users/" + user);
    assertEquals(200, status.status(), status.toString());
    return status.json().path("online").asBoolean();
  }

  private String fate(String user, String id) throws Exception {
    ApiTestClient.Reply status = api.get("/v1/apps/" + APP + "/users/" + user + "/messages/" + id);
    assertFalse(status.status() >= 500, status.toString());
    return status.json().path("status").asText();
  }
}
