package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.testsupport.TcpTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The TCP port's limits and node-level closes, each on its own node: the access policy's refusals
 * (close frames 1008 and 1013), a client that stops reading (QoS 0 dropped, then 4002), drain
 * (reconnect, 1001 before hello) and stop (1001).
 */
class TcpLimitsTest {

  @Test
  void aDeniedSourceGetsCloseFrame1008() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tcp-deny", "access.deny = [\"127.0.0.0/8\"]");
        TcpTestClient client = node.tcp()) {
      TcpTestClient.Event close = client.next();
      assertEquals(new TcpTestClient.Closed(1008, "forbidden"), close);
      assertTrue(node.server.metrics().refusedBySource() >= 1);
    }
  }

  @Test
  void connectionsPerSourceAreBoundedWithCloseFrame1013() throws Exception {
    try (GatewayTestNode node =
            new GatewayTestNode("tcp-per-source", "access.max-connections-per-source = 1");
        TcpTestClient first = node.tcp();
        TcpTestClient second = node.tcp()) {
      assertEquals(new TcpTestClient.Closed(1013, "too_many_connections"), second.next());
      first.hello("demo", TestApps.token("tcp-first"), null);
      first.expectFrame("welcome");
      first.close();
      // the slot is free again once the first connection is over
      await()
          .atMost(20, TimeUnit.SECONDS)
          .until(
              () -> {
                try (TcpTestClient third = node.tcp()) {
                  third.hello("demo", TestApps.token("tcp-third"), null);
                  return third.nextFrame().frame().path("t").asText().equals("welcome");
                }
              });
    }
  }

  @Test
  void maxConnectionsCountsBothPorts() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tcp-max", "max-connections = 1")) {
      WsTestClient ws = WsTestClient.connect(HttpClient.newHttpClient(), node.wsUri());
      ws.hello("demo", TestApps.token("tcp-max-ws"), null);
      ws.expectFrame("welcome");
      try (TcpTestClient tcp = node.tcp()) {
        assertEquals(new TcpTestClient.Closed(1013, "overloaded"), tcp.next());
      }
      ws.close();
    }
  }

  @Test
  void aClientThatStopsReadingLosesQos0AndIsClosedWith4002() throws Exception {
    try (GatewayTestNode node =
            new GatewayTestNode("tcp-slow", "slow-consumer-timeout = 2s, tcp.outbound-frames = 8");
        TcpTestClient client = TcpTestClient.connectNotReading(node.tcpAddress(), 4096)) {
      client.hello("demo", TestApps.token("tcp-slow"), null);
      TcpTestClient.Event welcome = client.readFrame();
      assertTrue(
          welcome instanceof TcpTestClient.Frame frame
              && frame.frame().path("t").asText().equals("welcome"),
          "welcome: " + welcome);
      // the client reads nothing more from here on: the socket buffers fill, then the queue
      String data = "\"" + "x".repeat(60 * 1024) + "\"";
      await()
          .atMost(60, TimeUnit.SECONDS)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                node.enqueue("tcp-slow", "z" + System.nanoTime(), Qos.AT_MOST_ONCE, data);
                return node.server.metrics().droppedQos0() > 0
                    || node.server.metrics().slowConsumerCloses() > 0;
              });
      await()
          .atMost(30, TimeUnit.SECONDS)
          .until(() -> node.server.metrics().slowConsumerCloses() == 1);
    }
  }

  @Test
  void drainTellsClientsPastHelloToReconnectAndClosesTheOthersWith1001() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tcp-drain", "");
        TcpTestClient welcomed = node.tcp();
        TcpTestClient early = node.tcp()) {
      welcomed.hello("demo", TestApps.token("tcp-drained"), null);
      welcomed.expectFrame("welcome");
      early.send("{\"t\":\"nope\"}"); // connected, no hello: the drain closes it
      early.expectError("unknown_type");
      var drained =
          node.server.drain(
              new DrainSettings(Duration.ZERO, Duration.ofSeconds(20)),
              session -> List.of("ws://elsewhere:8080/v1/ws"));
      JsonNode reconnect = welcomed.expectFrame("reconnect");
      assertEquals("ws://elsewhere:8080/v1/ws", reconnect.get("endpoints").get(0).asText());
      assertEquals(1001, early.awaitClose());
      welcomed.sendClose(1000); // the client leaves as told
      assertEquals(1000, welcomed.awaitClose());
      welcomed.close();
      drained.toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertEquals(0, node.server.metrics().openConnections());
    }
  }

  @Test
  void stopClosesEveryConnectionWith1001() throws Exception {
    GatewayTestNode node = new GatewayTestNode("tcp-stop", "");
    try (TcpTestClient client = node.tcp()) {
      client.hello("demo", TestApps.token("tcp-stopped"), null);
      client.expectFrame("welcome");
      node.server.stop();
      assertEquals(1001, client.awaitClose());
    } finally {
      node.close();
    }
  }
}
