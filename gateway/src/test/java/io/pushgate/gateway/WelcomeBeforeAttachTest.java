package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code welcome-before-attach} with real sessions recovering from a journal: the welcome does not
 * wait for the recovery, the stored messages follow it, and a recovery that fails ends in 4003
 * after the welcome with nothing lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WelcomeBeforeAttachTest {

  private GatewayTestNode node;
  private PersistenceTestKit journal;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    node =
        new GatewayTestNode(
            "welcome-before-attach", "welcome-before-attach = true, attach-timeout = 2s");
    journal = PersistenceTestKit.create(node.testKit.system());
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  /**
   * Two stored QoS 1 messages for {@code user}, whose session is then stopped: the next connection
   * recovers it.
   */
  private SessionId storedTwoAndStopped(String user) throws Exception {
    SessionId id = new SessionId("demo", user);
    node.enqueue(id, user + "-1", Qos.AT_LEAST_ONCE, "1");
    node.enqueue(id, user + "-2", Qos.AT_LEAST_ONCE, "2");
    node.sessions.session(id).tell(SessionCommand.Passivate.INSTANCE);
    await().atMost(20, TimeUnit.SECONDS).until(() -> !running(id));
    return id;
  }

  private boolean running(SessionId id) throws Exception {
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(node.testKit.system()).shardState(),
                replyTo -> new GetShardRegionState(SessionSharding.TYPE_KEY, replyTo),
                Duration.ofSeconds(10),
                node.testKit.system().scheduler())
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    return state.getShards().stream()
        .anyMatch(shard -> shard.getEntityIds().contains(id.entityId()));
  }

  private WsTestClient welcomed(String user) throws Exception {
    WsTestClient client = WsTestClient.connect(http, node.wsUri());
    client.hello("demo", TestApps.token(user), null);
    JsonNode welcome = client.expectFrame("welcome");
    assertFalse(
        welcome.has("pending"),
        "a welcome before the attach does not know the pending count: " + welcome);
    return client;
  }

  private void receivesBothAndAcks(WsTestClient client, String user) throws Exception {
    for (int seq = 1; seq <= 2; seq++) {
      JsonNode push = client.expectFrame("push");
      assertEquals(user + "-" + seq, push.get("id").asText());
      assertEquals(seq, push.get("seq").asLong());
    }
    client.ack(2);
  }

  @Test
  void storedMessagesFollowAWelcomeThatDidNotWaitForTheRecovery() throws Exception {
    String user = "early-stored";
    SessionId id = storedTwoAndStopped(user);
    WsTestClient client = welcomed(user);
    receivesBothAndAcks(client, user);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(id).pending() == 0);
    client.close();
  }

  @Test
  void aRecoveryThatFailsEndsIn4003AfterTheWelcomeAndNothingIsLost() throws Exception {
    String user = "early-fails";
    SessionId id = storedTwoAndStopped(user);
    journal.failNextRead(PersistenceId.of(SessionSharding.TYPE_KEY.name(), id.entityId()).id());
    WsTestClient first = welcomed(user);
    first.expectError("session_unavailable");
    first.expectClose(4003);

    WsTestClient second = welcomed(user); // the client reconnects, as 4003 tells it to
    receivesBothAndAcks(second, user);
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(id).pending() == 0);
    second.close();
  }
}
