package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionSharding;
import io.pushgate.session.SessionStatus;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client protocol end to end over real sockets: a single-node cluster (self-join) with the real
 * session sharding on an in-memory journal, and a gateway on an ephemeral port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayProtocolTest {

  private static final Duration ASK = Duration.ofSeconds(15);
  private GatewayTestNode node;
  private SessionSharding sessions;
  private GatewayServer server;
  private ActorTestKit testKit;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    node = new GatewayTestNode("gateway-protocol", "hello-timeout = 2s, heartbeat.min-seconds = 1");
    sessions = node.sessions;
    server = node.server;
    testKit = node.testKit;
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private WsTestClient connect() throws Exception {
    return WsTestClient.connect(http, GatewayTestNode.wsUri(server));
  }

  /** Connects, says hello as {@code user} and checks the welcome. */
  private WsTestClient welcomed(String user, int expectedPending) throws Exception {
    WsTestClient client = connect();
    client.hello("demo", TestApps.token(user), null);
    JsonNode welcome = client.expectFrame("welcome");
    assertEquals("demo:" + user, welcome.get("session").asText());
    assertEquals(30, welcome.get("hb").asInt());
    assertEquals(expectedPending, welcome.get("pending").asInt());
    return client;
  }

  private EnqueueResult enqueue(String user, String id, Qos qos, String data) throws Exception {
    return node.enqueue(user, id, qos, data);
  }

  private SessionStatus status(String user) throws Exception {
    return node.status(user);
  }

  // ---- handshake ----

  @Test
  void helloIsAnsweredWithWelcomeAndPingWithPong() throws Exception {
    WsTestClient client = connect();
    client.hello("demo", TestApps.token("hello-alice"), 45);
    JsonNode welcome = client.expectFrame("welcome");
    assertEquals("demo:hello-alice", welcome.get("session").asText());
    assertEquals(45, welcome.get("hb").asInt());
    assertEquals(0, welcome.get("pending").asInt());
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong");
    await().atMost(20, TimeUnit.SECONDS).until(() -> status("hello-alice").online());
    SessionStatus status = status("hello-alice");
    assertEquals("websocket", status.connections().get(0).transport());
    assertEquals(
        Cluster.get(testKit.system()).selfMember().address().toString(),
        status.connections().get(0).node());
    client.close();
    client.expectClose(1000);
    await().atMost(20, TimeUnit.SECONDS).until(() -> !status("hello-alice").online());
  }

  @Test
  void heartbeatProposalIsClamped() throws Exception {
    WsTestClient client = connect();
    client.hello("demo", TestApps.token("clamp-alice"), 100_000);
    assertEquals(300, client.expectFrame("welcome").get("hb").asInt());
    client.close();
  }

  @Test
  void badTokenGetsErrorAndClose4100() throws Exception {
    WsTestClient client = connect();
    client.hello("demo", "not-a-token", null);
    client.expectError("invalid_token");
    client.expectClose(4100);
  }

  @Test
  void unknownAppGetsErrorAndClose4101() throws Exception {
    WsTestClient client = connect();
    client.hello("nope", TestApps.token("alice"), null);
    client.expectError("unknown_app");
    client.expectClose(4101);
  }

  @Test
  void noHelloGetsErrorAndClose4000() throws Exception {
    WsTestClient client = connect();
    client.expectError("hello_timeout");
    client.expectClose(4000);
  }

  @Test
  void frameBeforeHelloIsAProtocolError() throws Exception {
    WsTestClient client = connect();
    client.send("{\"t\":\"ping\"}");
    client.expectError("protocol_error");
    client.expectClose(4104);
  }

  @Test
  void secondHelloIsAProtocolError() throws Exception {
    WsTestClient client = welcomed("twice-alice", 0);
    client.hello("demo", TestApps.token("twice-alice"), null);
    client.expectError("protocol_error");
    client.expectClose(4104);
  }

  // ---- bad frames ----

  @Test
  void malformedFramesGetErrorsAndTheConnectionStaysUsable() throws Exception {
    WsTestClient client = connect();
    client.send("{not json");
    client.expectError("bad_frame");
    client.send("{\"t\":\"subscribe\"}");
    client.expectError("unknown_type");
    client.hello("demo", TestApps.token("bad-frames"), null);
    client.expectFrame("welcome");
    client.send("[]");
    client.expectError("bad_frame");
    client.sendBinary(new byte[] {1, 2, 3});
    client.expectError("bad_frame");
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong");
    client.close();
  }

  @Test
  void oversizeFrameClosesWith1009() throws Exception {
    WsTestClient client = welcomed("big-alice", 0);
    client.send("{\"t\":\"ping\",\"pad\":\"" + "x".repeat(9000) + "\"}");
    assertEquals(1009, client.awaitClose());
  }

  @Test
  void fragmentedMessagesAreReassembledAndBoundedToo() throws Exception {
    WsTestClient client = welcomed("fragments-alice", 0);
    client.sendFragmented("{\"t\":", "\"pi", "ng\"}");
    client.expectFrame("pong");
    String pad = "x".repeat(5000); // each fragment is under max-frame-bytes, the message is not
    try {
      client.sendFragmented("{\"t\":\"ping\",\"a\":\"" + pad, pad, pad + "\"}");
    } catch (ExecutionException closedBeforeTheLastFragment) {
      // the node may close (1009) as soon as the second fragment passes the limit
    }
    assertEquals(1009, client.awaitClose());
  }

  // ---- heartbeats ----

  @Test
  void silentClientIsClosedWith4001() throws Exception {
    WsTestClient client = connect();
    client.hello("demo", TestApps.token("silent-alice"), 1);
    assertEquals(1, client.expectFrame("welcome").get("hb").asInt());
    client.expectClose(4001); // after 2.5 s of silence
    assertTrue(server.metrics().heartbeatTimeouts() >= 1);
  }

  @Test
  void anyClientFrameKeepsTheConnectionAlive() throws Exception {
    WsTestClient client = connect();
    client.hello("demo", TestApps.token("chatty-alice"), 2); // closed after 5 s of silence
    client.expectFrame("welcome");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
    boolean wsPing = false;
    while (System.nanoTime() < end) {
      if (wsPing) {
        client.sendPing(); // a WebSocket ping frame counts too (its pong is not a text event)
      } else {
        client.send("{\"t\":\"ping\"}");
        client.expectFrame("pong");
      }
      wsPing = !wsPing;
      Thread.sleep(1000); // pacing of the client's heartbeats, not synchronisation
    }
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong");
    client.close();
    client.expectClose(1000);
  }

  // ---- delivery ----

  @Test
  void qos1PushIsDeliveredAndAckRemovesIt() throws Exception {
    WsTestClient client = welcomed("push-alice", 0);
    assertEquals(
        EnqueueResult.Outcome.QUEUED,
        enqueue("push-alice", "m1", Qos.AT_LEAST_ONCE, "{\"n\":1}").outcome());
    JsonNode push = client.expectFrame("push");
    assertEquals("m1", push.get("id").asText());
    assertEquals(1, push.get("qos").asInt());
    assertEquals(1, push.get("seq").asLong());
    assertEquals(1, push.get("data").get("n").asInt());
    assertEquals(1, status("push-alice").pending());
    client.ack(1);
    await().atMost(20, TimeUnit.SECONDS).until(() -> status("push-alice").pending() == 0);
    client.close();
  }

  @Test
  void qos0PushHasNoSeq() throws Exception {
    WsTestClient client = welcomed("qos0-alice", 0);
    assertEquals(
        EnqueueResult.Outcome.DELIVERED,
        enqueue("qos0-alice", "z1", Qos.AT_MOST_ONCE, "[1,2]").outcome());
    JsonNode push = client.expectFrame("push");
    assertEquals("z1", push.get("id").asText());
    assertEquals(0, push.get("qos").asInt());
    assertFalse(push.has("seq"));
    assertEquals(2, push.get("data").size());
    client.close();
  }

  @Test
  void unackedMessagesAreRedeliveredOnReconnect() throws Exception {
    String user = "redeliver-alice";
    enqueue(user, "r1", Qos.AT_LEAST_ONCE, "1");
    enqueue(user, "r2", Qos.AT_LEAST_ONCE, "2");
    WsTestClient first = welcomed(user, 2);
    assertEquals(1, first.expectFrame("push").get("seq").asLong());
    assertEquals(2, first.expectFrame("push").get("seq").asLong());
    first.ack(1);
    await().atMost(20, TimeUnit.SECONDS).until(() -> status(user).pending() == 1);
    first.close();
    first.expectClose(1000);
    await().atMost(20, TimeUnit.SECONDS).until(() -> !status(user).online());

    WsTestClient second = welcomed(user, 1);
    JsonNode again = second.expectFrame("push");
    assertEquals("r2", again.get("id").asText());
    assertEquals(2, again.get("seq").asLong());
    second.ack(2);
    await().atMost(20, TimeUnit.SECONDS).until(() -> status(user).pending() == 0);
    second.close();
  }

  @Test
  void inflightWindowBoundsUnackedPushes() throws Exception {
    // the default window is 64: the 65th push waits for an ack
    String user = "window-alice";
    for (int i = 1; i <= 65; i++) enqueue(user, "w" + i, Qos.AT_LEAST_ONCE, Integer.toString(i));
    WsTestClient client = welcomed(user, 65);
    for (int i = 1; i <= 64; i++) assertEquals(i, client.expectFrame("push").get("seq").asLong());
    client.expectNoEvent(300);
    client.ack(64);
    assertEquals(65, client.expectFrame("push").get("seq").asLong());
    client.ack(65);
    await().atMost(20, TimeUnit.SECONDS).until(() -> status(user).pending() == 0);
    client.close();
  }

  // ---- session-initiated closes ----

  @Test
  void newConnectionReplacesTheOldOneWith4102() throws Exception {
    WsTestClient first = welcomed("replaced-alice", 0);
    WsTestClient second = welcomed("replaced-alice", 0);
    first.expectClose(4102);
    second.send("{\"t\":\"ping\"}");
    second.expectFrame("pong");
    await().atMost(20, TimeUnit.SECONDS).until(() -> status("replaced-alice").online());
    second.close();
  }

  @Test
  void kickClosesWith4103() throws Exception {
    WsTestClient client = welcomed("kicked-alice", 0);
    SessionCommand.KickResult result =
        sessions
            .session(new SessionId("demo", "kicked-alice"))
            .<SessionCommand.KickResult>ask(SessionCommand.Kick::new, ASK)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(1, result.connectionsClosed());
    client.expectClose(4103);
  }
}
