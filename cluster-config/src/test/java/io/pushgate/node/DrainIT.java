package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Graceful drain: a node that shuts down tells its clients to reconnect elsewhere, with delays
 * spread over the drain window; clients that follow the advice land on the other node and get every
 * pending QoS 1 message. Two nodes on MariaDB in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainIT {

  private static final int CLIENTS = 6;
  private PushgateNode stayer;
  private PushgateNode leaver;

  @BeforeAll
  void startCluster() throws Exception {
    List<PushgateNode> pair = TestNodes.startMariaDbPair();
    stayer = pair.get(0);
    leaver = pair.get(1);
  }

  @AfterAll
  void stopCluster() throws Exception {
    TestNodes.stop(stayer);
  }

  @Test
  void drainingNodeSendsSpreadReconnectAdviceAndNothingIsLost() throws Exception {
    ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(stayer), API_KEY);
    String stayerEndpoint = "ws://127.0.0.1:" + stayer.gatewayAddress().getPort() + "/v1/ws";
    // the leaver must know the stayer's endpoint before it drains
    String probe = "probe-" + UUID.randomUUID().toString().substring(0, 8);
    ApiTestClient leaverApi = ApiTestClient.node(TestNodes.apiHostPort(leaver), API_KEY);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                leaverApi
                        .get("/v1/dispatch?app=" + APP + "&user=" + probe)
                        .json()
                        .path("endpoints")
                        .size()
                    == 2);

    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> users = new ArrayList<>();
    List<WsTestClient> clients = new ArrayList<>();
    List<String> pendingIds = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String user = "drain-" + run + "-" + i;
      users.add(user);
      WsTestClient client =
          WsTestClient.connectAndHello(TestNodes.hostPort(leaver), APP, api.token(APP, user));
      clients.add(client);
      String id = api.push(APP, user, "{\"i\":" + i + "}");
      assertEquals(id, client.next("push").path("id").asText()); // received, deliberately not acked
      pendingIds.add(id);
    }

    CompletableFuture<Void> leaving =
        CompletableFuture.runAsync(
            () -> {
              try {
                TestNodes.stop(leaver);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    Set<Long> afters = new HashSet<>();
    List<CompletableFuture<Void>> followed = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      WsTestClient client = clients.get(i);
      JsonNode advice = client.next("reconnect");
      long receivedAt = System.nanoTime();
      long after = advice.path("after").asLong();
      assertTrue(after >= 0 && after < 2_000, "after within the drain spread: " + advice);
      assertEquals(stayerEndpoint, advice.path("endpoints").get(0).asText(), advice.toString());
      assertEquals(1, advice.path("endpoints").size(), "never the draining node itself: " + advice);
      afters.add(after);
      // a well-behaved client: closes, and reconnects to the first endpoint once 'after' passed
      client.close();
      String user = users.get(i);
      String expectedId = pendingIds.get(i);
      followed.add(
          CompletableFuture.runAsync(
              () -> reconnectAndReceive(api, stayerEndpoint, user, expectedId, receivedAt, after),
              CompletableFuture.delayedExecutor(after, TimeUnit.MILLISECONDS)));
    }
    assertEquals(
        CLIENTS, afters.size(), "reconnect delays are spread, not all the same: " + afters);
    CompletableFuture.allOf(followed.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    leaving.get(90, TimeUnit.SECONDS);
  }

  private static void reconnectAndReceive(
      ApiTestClient api,
      String endpoint,
      String user,
      String expectedId,
      long adviceNanos,
      long afterMillis) {
    long waited = (System.nanoTime() - adviceNanos) / 1_000_000;
    assertTrue(
        waited >= afterMillis,
        "reconnected " + waited + " ms after advice, before its after " + afterMillis);
    String hostPort = endpoint.replace("ws://", "").replace("/v1/ws", "");
    try (WsTestClient again = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      JsonNode push = again.next("push");
      assertEquals(expectedId, push.path("id").asText());
      again.ack(push.path("seq").asLong());
      // As the protocol asks, a client acks whatever arrives, redeliveries included: an ack that
      // reached the session's old incarnation while its shard was handed off is lost, and the
      // new incarnation redelivers (at least once).
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("the ack of " + user + " is applied")
          .until(
              () -> {
                for (JsonNode f = again.poll(Duration.ofMillis(50));
                    f != null;
                    f = again.poll(Duration.ofMillis(1))) {
                  if (f.path("t").asText().equals("push")) again.ack(f.path("seq").asLong());
                }
                return api.get("/v1/apps/" + APP + "/users/" + user).json();
              },
              status -> status.path("pending").asInt() == 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
