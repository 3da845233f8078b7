package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Connection behaviour that needs control over the session side: test probes stand in for the
 * session (through a stub {@link SessionDirectory}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySessionStubTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorTestKit testKit = ActorTestKit.create("gateway-stub");
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<RecipientRef<SessionCommand>> directory = new AtomicReference<>();
  private final List<GatewayServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (GatewayServer s : servers) s.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    servers.clear();
  }

  @AfterAll
  void tearDown() {
    testKit.shutdownTestKit();
  }

  private GatewayServer start(String overrides) throws Exception {
    GatewayServer server =
        GatewayServer.start(
                testKit.system(),
                GatewayDeps.of(testKit.system(), id -> directory.get(), TestApps.REGISTRY)
                    .withSettings(GatewayTestSettings.gateway(overrides)))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    servers.add(server);
    return server;
  }

  /** A client of {@code server} that said hello; its session is {@code session}. */
  private WsTestClient helloReaching(GatewayServer server, TestProbe<SessionCommand> session)
      throws Exception {
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    client.hello("demo", TestApps.token("stub-alice"), null);
    return client;
  }

  /** Connects, says hello, lets {@code session} answer the attach; returns the Attach. */
  private SessionCommand.Attach attach(WsTestClient client, TestProbe<SessionCommand> session)
      throws Exception {
    client.hello("demo", TestApps.token("stub-alice"), null);
    SessionCommand.Attach attach = session.expectMessageClass(SessionCommand.Attach.class);
    attach.reply(new ConnectionMessage.Attached(session.ref(), 0));
    return attach;
  }

  @Test
  void attachSendsConnectionInfoAndWindowAndCloseSendsDetach() throws Exception {
    GatewayServer server = start("inflight-window = 7");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, session);
    assertEquals(7, attach.window());
    assertEquals("websocket", attach.info().transport());
    assertEquals(0, client.expectFrame("welcome").get("pending").asInt());

    client.ack(3);
    assertEquals(
        new SessionCommand.Ack(attach.info().connectionId(), 3),
        session.expectMessageClass(SessionCommand.Ack.class));
    client.ack(2); // cumulative: nothing new, not forwarded
    client.ack(5);
    assertEquals(5, session.expectMessageClass(SessionCommand.Ack.class).upToSeq());

    client.close();
    client.expectClose(1000);
    assertEquals(
        new SessionCommand.Detach(attach.info().connectionId()),
        session.expectMessageClass(SessionCommand.Detach.class));
  }

  @Test
  void sessionThatDoesNotAnswerGives4003() throws Exception {
    GatewayServer server = start("attach-timeout = 1s");
    TestProbe<SessionCommand> silent = testKit.createTestProbe();
    WsTestClient client = helloReaching(server, silent);
    silent.expectMessageClass(SessionCommand.Attach.class);
    client.expectError("session_unavailable");
    client.expectClose(4003);
  }

  @Test
  void welcomeBeforeAttachDoesNotWaitForTheSessionAndItsMessagesFollow() throws Exception {
    GatewayServer server = start("welcome-before-attach = true");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    WsTestClient client = helloReaching(server, session);
    SessionCommand.Attach attach = session.expectMessageClass(SessionCommand.Attach.class);
    JsonNode welcome = client.expectFrame("welcome"); // the session has not answered yet
    assertFalse(
        welcome.has("pending"), "pending is not known before the session attached: " + welcome);
    assertEquals(
        1, server.metrics().attaching(), "the admission place is held until the session attached");

    attach.reply(new ConnectionMessage.Attached(session.ref(), 2));
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{}"));
    attach.reply(new ConnectionMessage.Push("m2", 1, 2, "{}"));
    assertEquals("m1", client.expectFrame("push").get("id").asText()); // no second welcome
    assertEquals("m2", client.expectFrame("push").get("id").asText());
    client.ack(2);
    assertEquals(2, session.expectMessageClass(SessionCommand.Ack.class).upToSeq());
    await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().attaching() == 0);
    client.close();
  }

  @Test
  void welcomeBeforeAttachThenASessionThatDoesNotAnswerGives4003() throws Exception {
    GatewayServer server = start("welcome-before-attach = true, attach-timeout = 1s");
    TestProbe<SessionCommand> silent = testKit.createTestProbe();
    WsTestClient client = helloReaching(server, silent);
    silent.expectMessageClass(SessionCommand.Attach.class);
    client.expectFrame("welcome");
    client.expectError("session_unavailable"); // told: reconnect, the stored messages wait
    client.expectClose(4003);
    await().atMost(10, TimeUnit.SECONDS).until(() -> server.metrics().attaching() == 0);
  }

  @Test
  void terminatedSessionIsReattachedWithoutANewWelcome() throws Exception {
    reattachedWithoutANewWelcome(start(""));
  }

  @Test
  void withAnActorPerConnectionTheSameHolds() throws Exception {
    GatewayServer server =
        start("route-through-node = false"); // for sessions of versions before the router
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    WsTestClient client = helloReaching(server, session);
    SessionCommand.Attach attach = session.expectMessageClass(SessionCommand.Attach.class);
    assertEquals(
        null,
        attach.routeId(),
        "an older session gets a connection actor to tell plain messages to");
    client.close();
    // the close's detach is looked up in the directory when it is sent: wait for it here, before
    // the directory names the next test's session
    session.expectMessageClass(SessionCommand.Detach.class);
    reattachedWithoutANewWelcome(start("route-through-node = false"));
  }

  @Test
  void aRoutedMessageForAConnectionThatIsGoneDetachesItFromTheSession() throws Exception {
    GatewayServer server = start("");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, session);
    client.expectFrame("welcome");
    assertEquals(attach.info().connectionId(), attach.routeId());
    client.close();
    assertEquals(
        attach.info().connectionId(),
        session.expectMessageClass(SessionCommand.Detach.class).connectionId());
    // as if that detach had been lost: the session still pushes to the connection
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{}"), "demo:stub-alice");
    assertEquals(
        new SessionCommand.Detach(attach.info().connectionId()),
        session.expectMessageClass(SessionCommand.Detach.class),
        "the node's router tells the session through sharding");
  }

  private void reattachedWithoutANewWelcome(GatewayServer server) throws Exception {
    TestProbe<SessionCommand> first = testKit.createTestProbe();
    directory.set(first.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, first);
    client.expectFrame("welcome");

    TestProbe<SessionCommand> second = testKit.createTestProbe();
    directory.set(second.ref());
    first.stop(); // e.g. rebalance or passivation
    SessionCommand.Attach again = second.expectMessageClass(SessionCommand.Attach.class);
    assertEquals(attach.info(), again.info());
    assertEquals(attach.connection(), again.connection());
    again.reply(new ConnectionMessage.Attached(second.ref(), 1));
    again.reply(new ConnectionMessage.Push("m1", 1, 1, "{\"again\":true}"));
    JsonNode push = client.expectFrame("push"); // no second welcome before it
    assertEquals("m1", push.get("id").asText());
    assertTrue(server.metrics().reattaches() >= 1);

    client.ack(1);
    assertEquals(1, second.expectMessageClass(SessionCommand.Ack.class).upToSeq());
    client.close();
  }

  @Test
  void aParkedSessionEndsWithoutAReattachAndAcksWakeItThroughTheDirectory() throws Exception {
    GatewayServer server = start("");
    TestProbe<SessionCommand> first = testKit.createTestProbe();
    directory.set(first.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, first);
    client.expectFrame("welcome");
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{}"));
    client.expectFrame("push");
    client.ack(1);
    first.expectMessageClass(SessionCommand.Ack.class);

    TestProbe<SessionCommand> woken = testKit.createTestProbe();
    directory.set(woken.ref());
    attach.reply(new ConnectionMessage.Parked(first.ref()));
    first.stop(); // the session passivated: no loss, so no re-attach
    woken.expectNoMessage(Duration.ofMillis(500));
    client.expectNoEvent(100); // and the client sees nothing of it

    attach.reply(new ConnectionMessage.Attached(woken.ref(), 0)); // woken by a message
    attach.reply(new ConnectionMessage.Push("m2", 1, 2, "{}"));
    assertEquals(
        "m2", client.expectFrame("push").get("id").asText(), "no second welcome before it");
    client.ack(2);
    assertEquals(2, woken.expectMessageClass(SessionCommand.Ack.class).upToSeq());
    assertEquals(0, server.metrics().reattaches());
    client.close();
  }

  @Test
  void hellosPastMaxAttachingAreRefusedWith1013UntilAPlaceIsFree() throws Exception {
    GatewayServer server = start("max-attaching = 1");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient waiting = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    waiting.hello("demo", TestApps.token("storm-1"), null);
    session.expectMessageClass(SessionCommand.Attach.class); // not answered: the place stays taken

    WsTestClient refused = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    refused.hello("demo", TestApps.token("storm-2"), null);
    refused.expectError("overloaded");
    refused.expectClose(1013);
    session.expectNoMessage(Duration.ofMillis(200));

    waiting.close(); // gives its place back
    session.expectMessageClass(SessionCommand.Detach.class);
    await().atMost(5, TimeUnit.SECONDS).until(() -> server.metrics().attaching() == 0);
    WsTestClient admitted = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(admitted, session);
    admitted.expectFrame("welcome");
    assertEquals(0, server.metrics().attaching(), "the welcome gives the place back");
    assertEquals(1, server.metrics().refusedOverloaded());
    attach.reply(new ConnectionMessage.Push("m1", 0, 0, "{}"));
    admitted.expectFrame("push");
    admitted.close();
  }

  @Test
  void slowConsumerLosesQos0KeepsQos1AndIsClosedWith4002() throws Exception {
    GatewayServer server =
        start(
            "write-buffer-low-water-mark = 8 KiB, write-buffer-high-water-mark = 16 KiB,"
                + " slow-consumer-timeout = 5s, close-timeout = 60s");
    ch.qos.logback.classic.Logger connectionLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ClientConnection.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    ch.qos.logback.classic.Level level = connectionLog.getLevel();
    connectionLog.setLevel(ch.qos.logback.classic.Level.INFO);
    connectionLog.addAppender(logged);
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, session);
    client.pause(); // stop reading after the welcome
    client.expectFrame("welcome");

    String data = "\"" + "x".repeat(32 * 1024) + "\"";
    int[] sent = {0};
    await()
        .atMost(60, TimeUnit.SECONDS)
        .pollInterval(20, TimeUnit.MILLISECONDS)
        .until(
            () -> {
              for (int i = 0; i < 32; i++) {
                attach.reply(new ConnectionMessage.Push("z" + sent[0]++, 0, 0, data));
              }
              return server.metrics().droppedQos0() > 0;
            });
    // not writable now: QoS 1 is still written
    attach.reply(new ConnectionMessage.Push("q1", 1, 1, "{\"kept\":true}"));
    await().atMost(30, TimeUnit.SECONDS).until(() -> server.metrics().slowConsumerCloses() == 1);
    // issue 14, defect 6: the 4002 frame cannot reach a client that does not read; the log must say
    // it
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                logged.list.stream()
                    .anyMatch(
                        e ->
                            e.getLevel() == ch.qos.logback.classic.Level.INFO
                                && e.getFormattedMessage().contains("4002 slow_consumer")
                                && e.getFormattedMessage().contains(attach.info().connectionId())));
    connectionLog.detachAppender(logged);
    connectionLog.setLevel(level);

    client.resume();
    int qos0 = 0;
    boolean gotQos1 = false;
    while (true) {
      WsTestClient.Event e = client.next();
      if (e instanceof WsTestClient.Closed closed) {
        assertEquals(4002, closed.code());
        break;
      }
      JsonNode frame = JSON.readTree(((WsTestClient.Text) e).text());
      if (frame.get("qos").asInt() == 0) qos0++;
      else gotQos1 = "q1".equals(frame.get("id").asText());
    }
    assertTrue(gotQos1, "the QoS 1 push written while unwritable arrives");
    assertTrue(qos0 < sent[0], "some QoS 0 pushes were dropped: got " + qos0 + " of " + sent[0]);
    assertEquals(sent[0] - qos0, server.metrics().droppedQos0());
  }

  @Test
  void clientSendingFasterThanItsInboundLimitGetsAnErrorThenClose4004() throws Exception {
    GatewayServer server = start("inbound-rate = 1, inbound-burst = 5");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    SessionCommand.Attach attach = attach(client, session); // hello: 1 frame
    client.expectFrame("welcome");
    for (int i = 1; i <= 10; i++) { // far beyond the remaining 4 tokens
      try {
        client.ack(i);
      } catch (ExecutionException closedAlready) {
        break; // the server's 4004 arrived while we were still sending: the client closed its
        // output
      }
    }
    assertEquals("rate_limited", client.expectFrame("error").get("code").asText());
    assertEquals(4004, client.awaitClose());
    assertEquals(
        attach.info().connectionId(),
        session.expectMessageClass(SessionCommand.Ack.class).connectionId());
  }

  @Test
  void clientWithinItsInboundLimitIsNeverClosed() throws Exception {
    GatewayServer server = start("inbound-rate = 1, inbound-burst = 5");
    TestProbe<SessionCommand> session = testKit.createTestProbe();
    directory.set(session.ref());
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    attach(client, session);
    client.expectFrame("welcome");
    for (int i = 0; i < 4; i++) {
      client.send("{\"t\":\"ping\"}");
      client.expectFrame("pong");
    }
  }
}
