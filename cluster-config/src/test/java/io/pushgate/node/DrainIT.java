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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Graceful drain: a node that shuts down (SIGTERM) tells its clients to reconnect elsewhere, with
 * delays spread over the drain window; clients that follow the advice land on the other node and
 * get every pending QoS 1 message. Two node processes on MariaDB, as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainIT {

  private static final int CLIENTS = 6;
  private NodeProcess stayer;
  private NodeProcess leaver;

  @BeforeAll
  void startCluster() throws Exception {
    int stayerPort = TestNodes.freePort();
    List<String> seeds = List.of(TestNodes.seedAddress(stayerPort));
    stayer = NodeProcess.start("drain-stayer", stayerPort, seeds, Map.of());
    stayer.awaitReady(Duration.ofSeconds(120));
    leaver = NodeProcess.start("drain-leaver", TestNodes.freePort(), seeds, Map.of());
    leaver.awaitReady(Duration.ofSeconds(120));
  }

  @AfterAll
  void stopCluster() {
    if (leaver != null) leaver.destroy();
    if (stayer != null) stayer.destroy();
  }

  @Test
  void drainingNodeSendsSpreadReconnectAdviceAndNothingIsLost() throws Exception {
    ApiTestClient api = ApiTestClient.node(stayer.apiHostPort(), API_KEY);
    String stayerEndpoint = stayer.endpoint();
    // the leaver must know the stayer's endpoint before it drains
    String probe = "probe-" + UUID.randomUUID().toString().substring(0, 8);
    ApiTestClient leaverApi = ApiTestClient.node(leaver.apiHostPort(), API_KEY);
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
          WsTestClient.connectAndHello(leaver.gatewayHostPort(), APP, api.token(APP, user));
      clients.add(client);
      String id = api.push(APP, user, "{\"i\":" + i + "}");
      assertEquals(id, client.next("push").path("id").asText()); // received, deliberately not acked
      pendingIds.add(id);
    }

    // a thread each for the leaving node and every reconnecting client: they block (on the process,
    // connects, awaits), and on the common pool they starved the JDK HTTP and WebSocket clients'
    // own continuations there (hellos, acks and API calls hung: 4 failures in 4 runs)
    ExecutorService clientThreads = Executors.newFixedThreadPool(CLIENTS + 1);
    CompletableFuture<Void> leaving =
        CompletableFuture.runAsync(
            () -> {
              try {
                leaver.terminate(Duration.ofSeconds(60));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            clientThreads);

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
              CompletableFuture.delayedExecutor(after, TimeUnit.MILLISECONDS, clientThreads)));
    }
    assertEquals(
        CLIENTS, afters.size(), "reconnect delays are spread, not all the same: " + afters);
    try {
      CompletableFuture.allOf(followed.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
      leaving.get(90, TimeUnit.SECONDS);
    } finally {
      clientThreads.shutdownNow();
    }
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
      List<String> seen = new ArrayList<>(List.of(push.toString()));
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .alias("the ack of " + user + " is applied")
            .until(
                () -> {
                  for (JsonNode f = again.poll(Duration.ofMillis(50));
                      f != null;
                      f = again.poll(Duration.ofMillis(1))) {
                    seen.add(f.toString());
                    if (f.path("t").asText().equals("push")) again.ack(f.path("seq").asLong());
                  }
                  return api.get("/v1/apps/" + APP + "/users/" + user).json();
                },
                status -> status.path("pending").asInt() == 0);
      } catch (ConditionTimeoutException e) {
        String end = again.isClosed() ? "closed: " + again.next() : "open";
        throw new AssertionError(
            user + "'s client saw " + seen + " and is " + end + " (ack sent on the first push)", e);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
