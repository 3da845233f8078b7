package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.testsupport.ApiTestClient;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real processes on MariaDB: three nodes, clients spread over them, QoS 1 traffic; one node is
 * killed with {@code kill -9}; its clients reconnect through dispatch; every message that got a 202
 * is delivered. A fourth node then joins under traffic and shards move to it; still nothing is
 * lost. Prints the counts and the failover time (kill → last client has all its messages).
 */
class ClusterFailoverIT {

  private static final int USERS = 24;
  private static final int MESSAGES_PER_PHASE = 4; // per user, per phase
  private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService reconnector;

  @AfterEach
  void killAll() {
    if (reconnector != null) reconnector.shutdownNow();
    nodes.forEach(NodeProcess::destroy);
  }

  @Test
  void killNineLosesNothingAndScaleOutMovesShardsUnderTraffic() throws Exception {
    int port1 = TestNodes.freePort();
    int port2 = TestNodes.freePort();
    List<String> seeds = List.of(TestNodes.seedAddress(port1), TestNodes.seedAddress(port2));
    nodes.add(NodeProcess.start("n1", port1, seeds, Map.of()));
    nodes.add(NodeProcess.start("n2", port2, seeds, Map.of()));
    nodes.add(NodeProcess.start("n3", TestNodes.freePort(), seeds, Map.of()));
    for (NodeProcess node : nodes) node.awaitReady(Duration.ofSeconds(120));
    NodeProcess victim = nodes.get(2);

    String run = UUID.randomUUID().toString().substring(0, 8);
    List<AckingClient> clients = new ArrayList<>();
    Map<String, String> tokens = new HashMap<>();
    ApiTestClient api1 = ApiTestClient.node(nodes.get(0).apiHostPort(), API_KEY);
    for (int i = 0; i < USERS; i++) {
      String user = "fo-" + run + "-" + i;
      tokens.put(user, api1.token(APP, user));
      AckingClient client = new AckingClient(user);
      // spread clients over all three nodes, victim included
      assertTrue(client.connect(nodes.get(i % 3).endpoint(), tokens.get(user)), "connect " + user);
      clients.add(client);
    }

    reconnector = keepConnected(clients, tokens);
    Map<String, Set<String>> accepted = new HashMap<>();
    int failedSends = sendRound(clients, accepted, List.of(nodes.get(0), nodes.get(1), victim));

    long killedAt = System.nanoTime();
    victim.kill9();
    nodes.remove(victim);
    failedSends += sendRound(clients, accepted, nodes); // sessions of the dead node are pending
    awaitAllDelivered(clients, accepted, nodes.get(0));
    long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;

    // scale out under traffic: a fourth node joins while messages keep coming
    NodeProcess fourth = NodeProcess.start("n4", TestNodes.freePort(), seeds, Map.of());
    nodes.add(fourth);
    failedSends += sendRound(clients, accepted, nodes.subList(0, 2));
    fourth.awaitReady(Duration.ofSeconds(120));
    ApiTestClient api4 = ApiTestClient.node(fourth.apiHostPort(), API_KEY);
    await().atMost(Duration.ofSeconds(90)).until(() -> shardsOn(fourth) > 0);
    failedSends += sendRound(clients, accepted, nodes);
    awaitAllDelivered(clients, accepted, nodes.get(0));

    int acceptedCount = accepted.values().stream().mapToInt(Set::size).sum();
    int pushes = clients.stream().mapToInt(c -> c.pushes.get()).sum();
    List<String> violations = new ArrayList<>();
    clients.forEach(c -> violations.addAll(c.orderViolations));
    System.out.printf(
        "%n== cluster failover (3 processes, kill -9 one, then scale out to 4) ==%n"
            + "users=%d accepted=%d failedSends=%d pushesReceived=%d redeliveries=%d%n"
            + "failover: kill -9 -> every client has all its messages: %d ms%n"
            + "shards on the new node after scale-out: %d; order violations: %d%n",
        USERS,
        acceptedCount,
        failedSends,
        pushes,
        pushes - acceptedCount,
        failoverMillis,
        shardsOn(fourth),
        violations.size());
    assertEquals(List.of(), violations, "per-connection seq order");
    assertEquals(USERS * MESSAGES_PER_PHASE * 4, acceptedCount + failedSends);
    assertTrue(
        acceptedCount >= USERS * MESSAGES_PER_PHASE * 3, "most sends accepted: " + acceptedCount);
    assertEquals(200, api4.get("/v1/apps/" + APP + "/users/" + clients.get(0).user).status());
  }

  /** Sends each user {@link #MESSAGES_PER_PHASE} messages through the given nodes' APIs. */
  private static int sendRound(
      List<AckingClient> clients, Map<String, Set<String>> accepted, List<NodeProcess> via)
      throws Exception {
    int failed = 0;
    for (int m = 0; m < MESSAGES_PER_PHASE; m++) {
      for (int i = 0; i < clients.size(); i++) {
        String user = clients.get(i).user;
        ApiTestClient api =
            ApiTestClient.node(via.get((i + m) % via.size()).apiHostPort(), API_KEY);
        try {
          var reply =
              api.post(
                  "/v1/apps/" + APP + "/messages",
                  "{\"to\":[\"" + user + "\"],\"qos\":1,\"data\":{\"m\":" + m + "}}");
          if (reply.status() == 202) {
            accepted
                .computeIfAbsent(user, u -> new HashSet<>())
                .add(reply.json().path("id").asText());
          } else {
            failed++;
          }
        } catch (UncheckedIOException e) {
          failed++; // the node is gone (no answer): not accepted
        }
      }
    }
    return failed;
  }

  /**
   * Like a real client: whenever a client's socket is closed (its node died, or its session was
   * unavailable for a moment), it asks dispatch on a live node where to go, and reconnects. Runs
   * until the test ends.
   */
  private ScheduledExecutorService keepConnected(
      List<AckingClient> clients, Map<String, String> tokens) {
    var loop = Executors.newSingleThreadScheduledExecutor();
    loop.scheduleWithFixedDelay(
        () -> {
          for (AckingClient client : clients) {
            if (client.connected()) continue;
            for (NodeProcess live : List.copyOf(nodes)) {
              if (!live.isAlive()) continue;
              try {
                JsonNode endpoints =
                    ApiTestClient.node(live.apiHostPort(), API_KEY)
                        .get("/v1/dispatch?app=" + APP + "&user=" + client.user)
                        .json()
                        .path("endpoints");
                boolean connected = false;
                for (JsonNode endpoint : endpoints) {
                  if (client.connect(endpoint.asText(), tokens.get(client.user))) {
                    connected = true;
                    break;
                  }
                }
                if (connected) break;
              } catch (Exception e) {
                // try the next live node
              }
            }
          }
        },
        0,
        300,
        TimeUnit.MILLISECONDS);
    return loop;
  }

  private static void awaitAllDelivered(
      List<AckingClient> clients, Map<String, Set<String>> accepted, NodeProcess live)
      throws Exception {
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  clients.stream()
                      .allMatch(
                          c -> c.received.containsAll(accepted.getOrDefault(c.user, Set.of()))));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      ApiTestClient api = ApiTestClient.node(live.apiHostPort(), API_KEY);
      StringBuilder report = new StringBuilder("messages accepted but not received:\n");
      for (AckingClient c : clients) {
        Set<String> missing = new HashSet<>(accepted.getOrDefault(c.user, Set.of()));
        missing.removeAll(c.received);
        if (missing.isEmpty()) continue;
        report
            .append(c.user)
            .append(" connected=")
            .append(c.connected())
            .append(" missing=")
            .append(missing)
            .append(" status=")
            .append(api.get("/v1/apps/" + APP + "/users/" + c.user).json())
            .append('\n');
        for (String id : missing) {
          report
              .append("  ")
              .append(id)
              .append(" -> ")
              .append(api.get("/v1/apps/" + APP + "/users/" + c.user + "/messages/" + id).json())
              .append('\n');
        }
      }
      throw new AssertionError(report.toString(), e);
    }
  }

  /** Shards hosted by the node's own region (its management endpoint answers for itself). */
  private static int shardsOn(NodeProcess node) {
    try {
      JsonNode details =
          new ObjectMapper()
              .readTree(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      "http://127.0.0.1:"
                                          + node.managementPort
                                          + "/cluster/shards/session"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body());
      return details.path("regions").size();
    } catch (Exception e) {
      return 0;
    }
  }
}
