package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The inbound rate limit punishes floods, not conforming clients: acks of pushes the server sent
 * are free, however fast a backlog is redelivered (issue 14, defect 1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundRateTest {

  private GatewayTestNode node;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    // the defaults: 50 frames/s, bursts of 100
    node = new GatewayTestNode("inbound-rate", "");
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aClientThatAcksEveryPushOfA300MessageBacklogStaysConnected() throws Exception {
    int backlog = 300;
    for (int i = 1; i <= backlog; i++)
      node.enqueue("backlog-alice", "m-" + i, Qos.AT_LEAST_ONCE, "{\"n\":" + i + "}");
    WsTestClient client = WsTestClient.connect(http, node.wsUri());
    client.hello("demo", TestApps.token("backlog-alice"), null);
    assertEquals(backlog, client.expectFrame("welcome").get("pending").asInt());
    for (int i = 1; i <= backlog; i++) {
      JsonNode push = client.expectFrame("push");
      assertEquals(i, push.get("seq").asLong());
      client.ack(push.get("seq").asLong());
    }
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status("backlog-alice").pending() == 0);
    client.send("{\"t\":\"ping\"}");
    client.expectFrame("pong"); // still open
    assertEquals(0, node.server.metrics().rateLimitedCloses());
  }

  @Test
  void acksBeyondWhatWasSentAreRateLimitedLikeAnyFrame() throws Exception {
    WsTestClient client = WsTestClient.connect(http, node.wsUri());
    client.hello("demo", TestApps.token("ackflood-alice"), null);
    client.expectFrame("welcome");
    try {
      for (int i = 0; i < 300; i++) client.ack(1);
    } catch (ExecutionException closedMeanwhile) {
      // the server closed while we were still sending; the close is what we check
    }
    assertEquals(4004, client.awaitClose());
  }
}
