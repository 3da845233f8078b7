package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Parked sessions across two nodes on MariaDB: a client on node A whose session lives on node B (so
 * everything between them goes through node A's connection router) stays connected while its
 * session parks on B; a message sent through either node wakes it there, reaches the client on A,
 * and the client's ack reaches it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParkedTwoNodeIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String app = "pk" + UUID.randomUUID().toString().substring(0, 8);
  private PushgateNode nodeA;
  private PushgateNode nodeB;

  @BeforeAll
  void startCluster() throws Exception {
    List<PushgateNode> pair =
        TestNodes.startMariaDbPair(
            ConfigFactory.parseString("pushgate.session.connected-idle-passivation = 1s"), app);
    nodeA = pair.get(0);
    nodeB = pair.get(1);
  }

  @AfterAll
  void stopCluster() throws Exception {
    TestNodes.stop(nodeB);
    TestNodes.stop(nodeA);
  }

  @Test
  void aClientOnNodeAGetsMessagesForItsParkedSessionOnNodeB() throws Exception {
    ApiTestClient apiA = ApiTestClient.node(TestNodes.apiHostPort(nodeA), TestNodes.apiKey(app));
    ApiTestClient apiB = ApiTestClient.node(TestNodes.apiHostPort(nodeB), TestNodes.apiKey(app));
    String user = ShardPlacement.userOn(nodeB, apiA, app, "parked-");
    try (WsTestClient client =
        WsTestClient.connectAndHello(TestNodes.hostPort(nodeA), app, apiA.token(app, user))) {
      for (int round = 1; round <= 2; round++) {
        await()
            .atMost(WAIT)
            .until(() -> !ShardPlacement.hostedEntities(nodeB.system()).contains(app + ":" + user));
        String id = (round == 1 ? apiB : apiA).push(app, user, "{\"round\":" + round + "}");
        JsonNode push = client.next("push");
        assertEquals(id, push.path("id").asText());
        client.ack(push.path("seq").asLong());
        await()
            .atMost(WAIT)
            .until(
                () ->
                    "acked"
                        .equals(
                            apiA.get("/v1/apps/" + app + "/users/" + user + "/messages/" + id)
                                .json()
                                .path("status")
                                .asText()));
      }
      assertFalse(
          ShardPlacement.hostedEntities(nodeA.system()).contains(app + ":" + user),
          "the session lives on B, not A");
    }
  }
}
