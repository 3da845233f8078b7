package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.pushgate.api.testing.CallbackReceiver;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * online / offline are decided by the session entity, so they stay right across nodes: a reconnect
 * that lands on the other node inside the offline delay raises nothing, and a user's two apps on
 * two nodes are online and offline each on their own. Two nodes on MariaDB, one HTTP receiver for
 * both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksTwoNodeIT {

  private static final String SECRET = "callback-secret-for-the-two-node-test!!";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String app1 = "cb1" + run;
  private final String app2 = "cb2" + run;
  private CallbackReceiver receiver;
  private PushgateNode nodeA;
  private PushgateNode nodeB;

  @BeforeAll
  void startCluster() throws Exception {
    receiver = CallbackReceiver.start();
    String callbacks =
        "{ url = \""
            + receiver.url()
            + "\", secret = \""
            + SECRET
            + "\","
            + " events = [online, offline, connected, disconnected], offline-delay = 1s }";
    List<PushgateNode> pair =
        TestNodes.startMariaDbPair(
            ConfigFactory.parseString(
                "pushgate.callbacks.max-batch-delay = 50ms\n"
                    + "pushgate.apps."
                    + app1
                    + ".callbacks "
                    + callbacks
                    + "\n"
                    + "pushgate.apps."
                    + app2
                    + ".callbacks "
                    + callbacks),
            app1,
            app2);
    nodeA = pair.get(0);
    nodeB = pair.get(1);
  }

  @AfterAll
  void stopCluster() throws Exception {
    TestNodes.stop(nodeB);
    TestNodes.stop(nodeA);
    receiver.close();
  }

  @Test
  void aReconnectToTheOtherNodeInsideTheDelayRaisesNothingAndTheLastCloseRaisesOffline()
      throws Exception {
    String user = "mover";
    ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(nodeA), TestNodes.apiKey(app1));
    String token = api.token(app1, user);
    WsTestClient onA = WsTestClient.connectAndHello(TestNodes.hostPort(nodeA), app1, token);
    await().atMost(WAIT).until(() -> count(app1, user, "online") == 1);
    onA.closeGracefully();
    WsTestClient onB = WsTestClient.connectAndHello(TestNodes.hostPort(nodeB), app1, token);
    await().atMost(WAIT).until(() -> count(app1, user, "connected") == 2);
    assertEquals(2, nodesOf(app1, user, "connected").size(), "one connection on each node");
    await()
        .during(Duration.ofMillis(2_500))
        .atMost(Duration.ofSeconds(6))
        .until(() -> count(app1, user, "offline") == 0 && count(app1, user, "online") == 1);
    onB.closeGracefully();
    await().atMost(WAIT).until(() -> count(app1, user, "offline") == 1);
    assertEquals(2, count(app1, user, "disconnected"));
  }

  @Test
  void aUsersTwoAppsOnTwoNodesAreOnlineAndOfflineEachOnTheirOwn() throws Exception {
    String user = "twoapps";
    ApiTestClient api1 = ApiTestClient.node(TestNodes.apiHostPort(nodeA), TestNodes.apiKey(app1));
    ApiTestClient api2 = ApiTestClient.node(TestNodes.apiHostPort(nodeB), TestNodes.apiKey(app2));
    WsTestClient c1 =
        WsTestClient.connectAndHello(TestNodes.hostPort(nodeA), app1, api1.token(app1, user));
    WsTestClient c2 =
        WsTestClient.connectAndHello(TestNodes.hostPort(nodeB), app2, api2.token(app2, user));
    await()
        .atMost(WAIT)
        .until(() -> count(app1, user, "online") == 1 && count(app2, user, "online") == 1);
    c1.closeGracefully();
    await().atMost(WAIT).until(() -> count(app1, user, "offline") == 1);
    assertEquals(0, count(app2, user, "offline"), "app2 is still connected");
    c2.closeGracefully();
    await().atMost(WAIT).until(() -> count(app2, user, "offline") == 1);
    assertEquals(1, count(app1, user, "online"));
    assertEquals(1, count(app2, user, "online"));
  }

  private long count(String app, String user, String type) {
    return receiver.events().stream()
        .filter(
            e ->
                e.path("app").asText().equals(app)
                    && e.path("user").asText().equals(user)
                    && e.path("type").asText().equals(type))
        .count();
  }

  private Set<String> nodesOf(String app, String user, String type) {
    return receiver.events().stream()
        .filter(
            e ->
                e.path("app").asText().equals(app)
                    && e.path("user").asText().equals(user)
                    && e.path("type").asText().equals(type))
        .map(e -> e.path("details").path("node").asText())
        .collect(Collectors.toSet());
  }
}
