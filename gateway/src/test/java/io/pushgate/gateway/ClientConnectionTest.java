package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.GatewayMetrics;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The protocol core without sockets: a {@link FakeTransport} records frames and closes, a probe
 * plays the session, the test moves the clock. Each test checks one rule of docs/protocol.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientConnectionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new CBORMapper();

  private final ActorTestKit testKit = ActorTestKit.create("client-connection");
  private final AtomicReference<TestProbe<SessionCommand>> session = new AtomicReference<>();
  private final GatewaySettings settings =
      GatewayTestSettings.gateway("inbound-rate = 5, inbound-burst = 5");
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry);
  private final GatewayContext gw =
      GatewayContext.create(
          testKit.system(),
          GatewayDeps.of(testKit.system(), id -> session.get().ref(), TestApps.REGISTRY)
              .withSettings(settings),
          metrics);
  private FakeTransport transport;
  private ClientConnection core;

  ClientConnectionTest() {
    PushgateMeters.get(testKit.system()).add(registry);
  }

  @BeforeEach
  void open() {
    session.set(testKit.createTestProbe());
    transport = new FakeTransport();
    core = new ClientConnection(gw, transport);
    core.onOpen();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private void send(String json) {
    core.onFrame(FrameCodec.parse(json), WireEncoding.JSON);
  }

  private static String hello(String user) {
    return "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"" + TestApps.token(user) + "\"}";
  }

  /** Says hello, answers the Attach as the session would, returns the Attach. */
  private SessionCommand.Attach welcomed(String user) throws Exception {
    send(hello(user));
    SessionCommand.Attach attach = session.get().expectMessageClass(SessionCommand.Attach.class);
    assertEquals("fake", attach.info().transport());
    attach.reply(new ConnectionMessage.Attached(session.get().ref(), 0, List.of()));
    transport.runNext();
    assertEquals("welcome", JSON.readTree(transport.last().json()).get("t").asText());
    return attach;
  }

  @Test
  void helloAttachesAndWelcomesWithTheNegotiatedHeartbeat() throws Exception {
    welcomed("core-hello");
    JsonNode welcome = JSON.readTree(transport.last().json());
    assertEquals("demo:core-hello", welcome.get("session").asText());
    assertEquals(
        settings.heartbeat().silenceTimeout(welcome.get("hb").asInt()), transport.silenceWatched);
    assertNull(transport.closed);
  }

  @Test
  void theFirstFrameMustBeHello() throws Exception {
    send("{\"t\":\"ping\"}");
    assertEquals("protocol_error", JSON.readTree(transport.last().json()).get("code").asText());
    assertEquals(4104, transport.closed.code());
    send("{\"t\":\"ping\"}");
    assertEquals(1, transport.written.size(), "nothing follows the close");
  }

  @Test
  void noHelloWithinTheTimeoutCloses4000() {
    transport.advance(settings.helloTimeout().minusMillis(1));
    assertNull(transport.closed);
    transport.advance(Duration.ofMillis(1));
    assertEquals(4000, transport.closed.code());
  }

  @Test
  void aCborHelloMakesEveryServerFrameCbor() throws Exception {
    core.onFrame(
        CborCodec.parse(CBOR.writeValueAsBytes(JSON.readTree(hello("core-cbor")))),
        WireEncoding.CBOR);
    SessionCommand.Attach attach = session.get().expectMessageClass(SessionCommand.Attach.class);
    attach.reply(new ConnectionMessage.Attached(session.get().ref(), 0, List.of()));
    transport.runNext();
    assertTrue(transport.last().binary());
    assertEquals("welcome", CBOR.readTree(transport.last().bytes()).get("t").asText());
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{\"a\":1}"));
    transport.runNext();
    JsonNode push = CBOR.readTree(transport.last().bytes());
    assertEquals("{\"a\":1}", push.get("data").textValue());
    assertEquals(1, push.get("seq").asLong());
    send("{\"t\":\"ping\"}"); // a JSON frame: still answered in CBOR
    assertEquals("pong", CBOR.readTree(transport.last().bytes()).get("t").asText());
  }

  @Test
  void notWritableDropsQos0KeepsQos1AndClosesASlowConsumer() throws Exception {
    SessionCommand.Attach attach = welcomed("core-slow");
    int before = transport.written.size();
    transport.writable = false;
    core.onWritabilityChanged(false);
    attach.reply(new ConnectionMessage.Push("z1", 0, 0, "0"));
    transport.runNext();
    assertEquals(before, transport.written.size(), "QoS 0 dropped");
    attach.reply(new ConnectionMessage.Push("q1", 1, 1, "1"));
    transport.runNext();
    assertEquals(before + 1, transport.written.size(), "QoS 1 written");
    transport.advance(settings.slowConsumerTimeout());
    assertEquals(4002, transport.closed.code());
  }

  @Test
  void writableAgainCancelsTheSlowConsumerTimer() throws Exception {
    welcomed("core-recovers");
    transport.writable = false;
    core.onWritabilityChanged(false);
    transport.writable = true;
    core.onWritabilityChanged(true);
    transport.advance(settings.slowConsumerTimeout());
    assertNull(transport.closed);
  }

  @Test
  void aFloodOfFramesCloses4004() throws Exception {
    welcomed("core-flood");
    for (int i = 0; i < 10 && transport.closed == null; i++) send("{\"t\":\"ping\"}");
    assertEquals(4004, transport.closed.code());
    assertEquals("rate_limited", JSON.readTree(transport.last().json()).get("code").asText());
  }

  @Test
  void silenceCloses4001() throws Exception {
    welcomed("core-silent");
    core.onSilence();
    assertEquals(4001, transport.closed.code());
    assertNull(transport.silenceWatched, "the watch stops once closing");
  }

  @Test
  void thePeersCloseIsEchoedAndTheEndDetachesTheSession() throws Exception {
    SessionCommand.Attach attach = welcomed("core-peer-close");
    core.onPeerClose(1000);
    assertEquals(new FakeTransport.Close(1000, ""), transport.closed);
    core.onClosed();
    SessionCommand.Detach detach = session.get().expectMessageClass(SessionCommand.Detach.class);
    assertEquals(attach.info().connectionId(), detach.connectionId());
  }

  @Test
  void connectionsHelloLatencyDeliveriesAndClosesAreMetered() throws Exception {
    double helloBefore =
        registry.get("pushgate.hello.latency").tag("transport", "fake").timer().count();
    double deliveredBefore = counter("pushgate.messages.delivered", "app", "demo", "qos", "1");
    double closedBefore =
        registry
            .find("pushgate.connections.closed")
            .tags("transport", "fake", "code", "1000")
            .counters()
            .stream()
            .mapToDouble(c -> c.count())
            .sum();
    double open =
        registry.get("pushgate.connections.open").tag("transport", "fake").gauge().value();
    assertTrue(open >= 1, "this test's connection is open");

    SessionCommand.Attach attach = welcomed("core-metrics");
    assertEquals(
        helloBefore + 1,
        registry.get("pushgate.hello.latency").tag("transport", "fake").timer().count());
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{}", System.currentTimeMillis() - 40));
    transport.runNext();
    assertEquals(
        deliveredBefore + 1, counter("pushgate.messages.delivered", "app", "demo", "qos", "1"));
    assertTrue(
        registry.get("pushgate.delivery.latency").timer().max(TimeUnit.MILLISECONDS) >= 40,
        "the delivery latency counts from the API's accept");

    core.onPeerClose(1000);
    core.onClosed();
    assertEquals(
        closedBefore + 1,
        counter("pushgate.connections.closed", "transport", "fake", "code", "1000"));
    assertEquals(
        open - 1,
        registry.get("pushgate.connections.open").tag("transport", "fake").gauge().value());
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void drainAdvertisesReconnectAfterHelloAndGoesAwayBefore() throws Exception {
    welcomed("core-drain");
    core.advertiseReconnect(1500, id -> List.of("ws://other:8080/v1/ws"));
    JsonNode reconnect = JSON.readTree(transport.last().json());
    assertEquals("reconnect", reconnect.get("t").asText());
    assertEquals(1500, reconnect.get("after").asLong());
    assertFalse(reconnect.get("endpoints").isEmpty());
    FakeTransport fresh = new FakeTransport();
    ClientConnection notYet = new ClientConnection(gw, fresh);
    notYet.onOpen();
    notYet.advertiseReconnect(1500, id -> List.of());
    assertEquals(1001, fresh.closed.code());
  }
}
