package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes in one cluster on MariaDB: a client connected to node A receives messages for a session
 * that lives on node B (the connection reaches its session only through sharding).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeIT {

  private PushgateNode nodeA;
  private PushgateNode nodeB;

  /** An app of this run only: its broadcast log in the shared MariaDB starts empty. */
  private final String runApp = "tn" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void startCluster() throws Exception {
    List<PushgateNode> pair = TestNodes.startMariaDbPair(runApp);
    nodeA = pair.get(0);
    nodeB = pair.get(1);
  }

  @AfterAll
  void stopCluster() throws Exception {
    TestNodes.stop(nodeB);
    TestNodes.stop(nodeA);
  }

  @Test
  void aTopicMessagePublishedOnNodeBReachesASubscriberOnNodeA() throws Exception {
    ApiTestClient apiA = ApiTestClient.node(TestNodes.apiHostPort(nodeA), TestNodes.apiKey(runApp));
    ApiTestClient apiB = ApiTestClient.node(TestNodes.apiHostPort(nodeB), TestNodes.apiKey(runApp));
    try (WsTestClient onA =
        WsTestClient.connectAndHello(
            TestNodes.hostPort(nodeA), runApp, apiA.token(runApp, "fan", "room.*"))) {
      onA.send("{\"t\":\"sub\",\"topic\":\"room.1\"}");
      onA.next("subscribed");
      // node B learns of node A's subscription through the receptionist's gossip: QoS 0 messages
      // published before that are not delivered, so publish until one arrives (bounded)
      Set<String> sent = new HashSet<>();
      JsonNode[] got = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                sent.add(
                    apiB.post("/v1/apps/" + runApp + "/topics/room.1/messages", "{\"data\":\"hi\"}")
                        .json()
                        .path("id")
                        .asText());
                got[0] = onA.poll(Duration.ofMillis(300));
                return got[0] != null;
              });
      assertEquals("push", got[0].path("t").asText());
      assertEquals("room.1", got[0].path("topic").asText());
      Assertions.assertTrue(sent.contains(got[0].path("id").asText()));
    }
  }

  @Test
  void aBroadcastSentThroughNodeAReachesUsersConnectedToEitherNode() throws Exception {
    ApiTestClient apiA = ApiTestClient.node(TestNodes.apiHostPort(nodeA), TestNodes.apiKey(runApp));
    try (WsTestClient onA =
            WsTestClient.connectAndHello(
                TestNodes.hostPort(nodeA), runApp, apiA.token(runApp, "ua"));
        WsTestClient onB =
            WsTestClient.connectAndHello(
                TestNodes.hostPort(nodeB), runApp, apiA.token(runApp, "ub"))) {
      ApiTestClient.Reply sent =
          apiA.post("/v1/apps/" + runApp + "/broadcasts", "{\"data\":\"everyone\"}");
      assertEquals(202, sent.status(), sent.toString());
      for (WsTestClient c : new WsTestClient[] {onA, onB}) {
        JsonNode push = c.next("push");
        assertEquals(sent.json().path("id").asText(), push.path("id").asText());
        assertEquals(sent.json().path("bseq").asLong(), push.path("bseq").asLong());
      }
    }
  }

  @Test
  void clientOnNodeAReceivesMessagesForASessionHostedOnNodeB() throws Exception {
    ApiTestClient apiA = ApiTestClient.node(TestNodes.apiHostPort(nodeA), API_KEY);
    ApiTestClient apiB = ApiTestClient.node(TestNodes.apiHostPort(nodeB), API_KEY);
    String run = UUID.randomUUID().toString().substring(0, 8);

    String user = userOnNodeB(apiA, "two-" + run + "-");

    try (WsTestClient client =
        WsTestClient.connectAndHello(TestNodes.hostPort(nodeA), APP, apiA.token(APP, user))) {
      String id = apiB.push(APP, user, "{\"via\":\"B\"}");
      JsonNode push = client.next("push");
      assertEquals(id, push.path("id").asText());
      assertEquals("B", push.path("data").path("via").asText());
      client.ack(push.path("seq").asLong());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  apiA.get("/v1/apps/" + APP + "/users/" + user).json().path("pending").asInt()
                      == 0);
    }
    // the session stayed on B all along: the connection on A reached it through sharding
    assertEquals(true, hostedEntities(nodeB.system()).contains(APP + ":" + user));
    assertEquals(false, hostedEntities(nodeA.system()).contains(APP + ":" + user));
  }

  @Test
  void dispatchListsTheSessionsHomeNodeFirstThenTheOthers() throws Exception {
    ApiTestClient apiA = ApiTestClient.node(TestNodes.apiHostPort(nodeA), API_KEY);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String user = userOnNodeB(apiA, "disp-" + run + "-");
    String endpointA = "ws://127.0.0.1:" + nodeA.gatewayAddress().getPort() + "/v1/ws";
    String endpointB = "ws://127.0.0.1:" + nodeB.gatewayAddress().getPort() + "/v1/ws";
    String path = "/v1/dispatch?app=" + APP + "&user=" + user;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> apiA.get(path).json().path("endpoints").toString(),
            endpoints -> endpoints.equals("[\"" + endpointB + "\",\"" + endpointA + "\"]"));
    JsonNode reconnect = apiA.get(path).json().path("reconnect");
    assertEquals(1000, reconnect.path("baseMillis").asLong());
  }

  private String userOnNodeB(ApiTestClient apiA, String prefix) throws Exception {
    return ShardPlacement.userOn(nodeB, apiA, APP, prefix);
  }

  private static Set<String> hostedEntities(ActorSystem<?> system) throws Exception {
    return ShardPlacement.hostedEntities(system);
  }
}
