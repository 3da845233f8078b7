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
import io.pushgate.testsupport.TcpTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client protocol over the raw TCP transport, end to end over real sockets: the scenarios of
 * {@link GatewayProtocolTest} (hello, push, ack, redelivery, heartbeat timeout, oversize and bad
 * frames, kick), plus what only TCP has (close frames, end of stream) and CBOR on both transports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpProtocolTest {

  private static final Duration ASK = Duration.ofSeconds(15);
  private GatewayTestNode node;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    node = new GatewayTestNode("gateway-tcp", "hello-timeout = 2s, heartbeat.min-seconds = 1");
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private TcpTestClient welcomed(String user, int expectedPending) throws Exception {
    TcpTestClient client = node.tcp();
    client.hello("demo", TestApps.token(user), null);
    JsonNode welcome = client.expectFrame("welcome");
    assertEquals("demo:" + user, welcome.get("session").asText());
    assertEquals(expectedPending, welcome.get("pending").asInt());
    return client;
  }

  // ---- handshake ----

  @Test
  void helloIsAnsweredWithWelcomeAndPingWithPong() throws Exception {
    TcpTestClient client = node.tcp();
    client.hello("demo", TestApps.token("tcp-hello"), 45);
    TcpTestClient.Frame welcome = client.nextFrame();
    assertEquals(1, welcome.kind(), "a JSON hello gets JSON frames");
    assertEquals("welcome", welcome.frame().get("t").asText());
    assertEquals(45, welcome.frame().get("hb").asInt());
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong");
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("tcp-hello").online());
    assertEquals("tcp", node.status("tcp-hello").connections().get(0).transport());
    client.sendClose(1000);
    assertEquals(1000, client.awaitClose(), "the client's close is answered with the same code");
    await().atMost(20, TimeUnit.SECONDS).until(() -> !node.status("tcp-hello").online());
  }

  @Test
  void badTokenGetsErrorAndClose4100() throws Exception {
    TcpTestClient client = node.tcp();
    client.hello("demo", "not-a-token", null);
    client.expectError("invalid_token");
    assertEquals(4100, client.awaitClose());
  }

  @Test
  void noHelloGetsErrorAndClose4000() throws Exception {
    TcpTestClient client = node.tcp();
    client.expectError("hello_timeout");
    assertEquals(4000, client.awaitClose());
  }

  @Test
  void frameBeforeHelloIsAProtocolError() throws Exception {
    TcpTestClient client = node.tcp();
    client.send("{\"t\":\"ping\"}");
    client.expectError("protocol_error");
    assertEquals(4104, client.awaitClose());
  }

  @Test
  void badFramesGetErrorsAndTheConnectionStaysUsable() throws Exception {
    TcpTestClient client = welcomed("tcp-bad-frames", 0);
    client.send("{not json");
    client.expectError("bad_frame");
    client.sendFrame(1, new byte[] {(byte) 0xc3, (byte) 0x28}); // invalid UTF-8
    client.expectError("bad_frame");
    client.sendFrame(7, "{}".getBytes());
    assertTrue(client.expectError("bad_frame").get("message").asText().contains("kind"));
    client.sendFrame(2, new byte[] {(byte) 0xff, 0x00});
    client.expectError("bad_frame");
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong");
    client.close();
  }

  @Test
  void oversizeFrameClosesWith1009BeforeItsBodyIsRead() throws Exception {
    TcpTestClient client = welcomed("tcp-big", 0);
    // a header announcing 1 MiB: refused on the header alone (max-frame-bytes is 8 KiB)
    client.sendRaw(new byte[] {0x00, 0x10, 0x00, 0x01, 0x01});
    assertEquals(1009, client.awaitClose());
  }

  @Test
  void silentClientIsClosedWith4001() throws Exception {
    TcpTestClient client = node.tcp();
    client.hello("demo", TestApps.token("tcp-silent"), 1);
    assertEquals(1, client.expectFrame("welcome").get("hb").asInt());
    assertEquals(4001, client.awaitClose()); // after 2.5 s of silence
  }

  @Test
  void endOfStreamWithoutCloseFrameEndsTheSession() throws Exception {
    TcpTestClient client = welcomed("tcp-eof", 0);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("tcp-eof").online());
    client.shutdownOutput();
    client.awaitEof();
    await().atMost(20, TimeUnit.SECONDS).until(() -> !node.status("tcp-eof").online());
  }

  // ---- delivery ----

  @Test
  void qos1PushIsDeliveredAndAckRemovesIt() throws Exception {
    TcpTestClient client = welcomed("tcp-push", 0);
    assertEquals(
        EnqueueResult.Outcome.QUEUED,
        node.enqueue("tcp-push", "m1", Qos.AT_LEAST_ONCE, "{\"n\":1}").outcome());
    JsonNode push = client.expectFrame("push");
    assertEquals("m1", push.get("id").asText());
    assertEquals(1, push.get("seq").asLong());
    assertEquals(1, push.get("data").get("n").asInt());
    client.ack(1);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("tcp-push").pending() == 0);
    assertEquals(
        EnqueueResult.Outcome.DELIVERED,
        node.enqueue("tcp-push", "z1", Qos.AT_MOST_ONCE, "[1]").outcome());
    JsonNode qos0 = client.expectFrame("push");
    assertEquals(0, qos0.get("qos").asInt());
    assertFalse(qos0.has("seq"));
    client.close();
  }

  /**
   * Two apps' sessions on one TCP connection, both sending at once: every push arrives once, in its
   * app's order, and every ack reaches its own app's session.
   */
  @Test
  void twoBoundAppsUnderLoadGetEveryMessageOnceInOrderPerApp() throws Exception {
    String user = "tcp-two-apps";
    int perApp = 300;
    TcpTestClient client = welcomed(user, 0);
    client.send(
        "{\"t\":\"bind\",\"app\":\"news\",\"token\":\""
            + TestApps.token(TestApps.NEWS, user)
            + "\"}");
    assertEquals("news:" + user, client.expectFrame("bound").get("session").asText());
    List<SessionId> sessions = List.of(new SessionId("demo", user), new SessionId("news", user));
    ExecutorService senders = Executors.newFixedThreadPool(sessions.size());
    try {
      List<Future<?>> sending = new ArrayList<>();
      for (SessionId session : sessions) {
        sending.add(
            senders.submit(
                () -> {
                  for (int i = 1; i <= perApp; i++) {
                    EnqueueResult result =
                        node.enqueue(
                            session,
                            session.app() + "-" + i,
                            Qos.AT_LEAST_ONCE,
                            "{\"n\":" + i + "}");
                    assertEquals(EnqueueResult.Outcome.QUEUED, result.outcome());
                  }
                  return null;
                }));
      }
      Map<String, Long> lastSeq = new HashMap<>(Map.of("demo", 0L, "news", 0L));
      for (int received = 0; received < sessions.size() * perApp; received++) {
        JsonNode push = client.expectFrame("push");
        String app = push.get("app").asText();
        long seq = push.get("seq").asLong();
        assertEquals(lastSeq.get(app) + 1, seq, app + ": every message once, in order: " + push);
        assertEquals(app + "-" + seq, push.get("id").asText());
        lastSeq.put(app, seq);
        client.send("{\"t\":\"ack\",\"app\":\"" + app + "\",\"seq\":" + seq + "}");
      }
      for (Future<?> f : sending) f.get(60, TimeUnit.SECONDS);
    } finally {
      senders.shutdownNow();
    }
    for (SessionId session : sessions) {
      await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(session).pending() == 0);
    }
    client.close();
  }

  @Test
  void unackedMessagesAreRedeliveredOnReconnectOverEitherTransport() throws Exception {
    String user = "tcp-redeliver";
    node.enqueue(user, "r1", Qos.AT_LEAST_ONCE, "1");
    node.enqueue(user, "r2", Qos.AT_LEAST_ONCE, "2");
    TcpTestClient first = welcomed(user, 2);
    assertEquals(1, first.expectFrame("push").get("seq").asLong());
    assertEquals(2, first.expectFrame("push").get("seq").asLong());
    first.ack(1);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(user).pending() == 1);
    first.close(); // the socket just goes away
    await().atMost(20, TimeUnit.SECONDS).until(() -> !node.status(user).online());

    WsTestClient second =
        WsTestClient.connect(http, node.wsUri()); // the same session over WebSocket
    second.hello("demo", TestApps.token(user), null);
    assertEquals(1, second.expectFrame("welcome").get("pending").asInt());
    JsonNode again = second.expectFrame("push");
    assertEquals("r2", again.get("id").asText());
    assertEquals(2, again.get("seq").asLong());
    second.ack(2);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(user).pending() == 0);
    second.close();
  }

  @Test
  void inflightWindowBoundsUnackedPushes() throws Exception {
    String user = "tcp-window";
    for (int i = 1; i <= 65; i++)
      node.enqueue(user, "w" + i, Qos.AT_LEAST_ONCE, Integer.toString(i));
    TcpTestClient client = welcomed(user, 65);
    for (int i = 1; i <= 64; i++) assertEquals(i, client.expectFrame("push").get("seq").asLong());
    client.ack(64);
    assertEquals(65, client.expectFrame("push").get("seq").asLong());
    client.ack(65);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(user).pending() == 0);
    client.close();
  }

  // ---- session-initiated closes ----

  @Test
  void newConnectionReplacesTheOldOneWith4102() throws Exception {
    TcpTestClient first = welcomed("tcp-replaced", 0);
    TcpTestClient second = welcomed("tcp-replaced", 0);
    assertEquals(4102, first.awaitClose());
    second.send("{\"t\":\"ping\"}");
    second.expectFrame("pong");
    second.close();
  }

  @Test
  void kickClosesWith4103() throws Exception {
    TcpTestClient client = welcomed("tcp-kicked", 0);
    SessionCommand.KickResult result =
        node.sessions
            .session(new SessionId("demo", "tcp-kicked"))
            .<SessionCommand.KickResult>ask(SessionCommand.Kick::new, ASK)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(1, result.connectionsClosed());
    assertEquals(4103, client.awaitClose());
  }

  // ---- binary encoding (CBOR) on both transports ----

  @Test
  void cborHelloOverTcpGetsCborFramesWithTheBackendJsonAsText() throws Exception {
    TcpTestClient client = node.tcp();
    client.sendCbor(TcpTestClient.helloJson("demo", TestApps.token("tcp-cbor"), null));
    TcpTestClient.Frame welcome = client.nextFrame();
    assertEquals(2, welcome.kind(), "a CBOR hello gets CBOR frames");
    assertEquals("welcome", welcome.frame().get("t").asText());
    assertTrue(welcome.frame().get("hb").isIntegralNumber());
    node.enqueue("tcp-cbor", "c1", Qos.AT_LEAST_ONCE, "{\"n\":[1,2]}");
    TcpTestClient.Frame push = client.nextFrame();
    assertEquals(2, push.kind());
    assertEquals(1, push.frame().get("seq").asLong());
    assertEquals(
        "{\"n\":[1,2]}",
        push.frame().get("data").textValue(),
        "data is the backend's JSON, as a text string");
    client.sendCbor("{\"t\":\"ack\",\"seq\":1}");
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("tcp-cbor").pending() == 0);
    client.send("{\"t\":\"ping\"}"); // JSON frames are still understood; answers stay CBOR
    TcpTestClient.Frame pong = client.nextFrame();
    assertEquals(2, pong.kind());
    assertEquals("pong", pong.frame().get("t").asText());
    client.sendCbor("{\"t\":\"nope\"}");
    assertEquals("unknown_type", client.nextFrame().frame().get("code").asText());
    client.close();
  }

  @Test
  void cborHelloOverWebSocketGetsBinaryFrames() throws Exception {
    WsTestClient client = WsTestClient.connect(http, node.wsUri());
    client.sendBinary(
        TcpTestClient.CBOR.writeValueAsBytes(
            TcpTestClient.JSON.readTree(
                TcpTestClient.helloJson("demo", TestApps.token("ws-cbor"), null))));
    WsTestClient.Event welcome = client.next();
    assertTrue(
        welcome instanceof WsTestClient.Binary, "a binary hello gets binary frames: " + welcome);
    assertEquals(
        "welcome",
        TcpTestClient.CBOR.readTree(((WsTestClient.Binary) welcome).bytes()).get("t").asText());
    node.enqueue("ws-cbor", "c1", Qos.AT_LEAST_ONCE, "[true]");
    JsonNode push = client.expectFrame("push"); // decoded from CBOR
    assertEquals("[true]", push.get("data").textValue());
    client.sendBinary(
        TcpTestClient.CBOR.writeValueAsBytes(
            TcpTestClient.JSON.readTree("{\"t\":\"ack\",\"seq\":1}")));
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("ws-cbor").pending() == 0);
    client.close();
  }
}
