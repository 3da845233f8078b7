package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message accepted with 202 survives a full stop and start of the node on the same storage (here
 * embedded H2; {@link CassandraNodeRestartIT} runs the same on Cassandra).
 */
class NodeRestartIT {

  @TempDir Path dataDir;

  /** The storage both nodes of a test use. */
  Config storage() throws Exception {
    return TestNodes.h2Node(dataDir);
  }

  @Test
  void pendingMessageIsDeliveredAfterTheNodeRestarts() throws Exception {
    Config config = storage();
    String user = SingleNodeEndToEndIT.newUser();
    String acked;
    String pending;
    PushgateNode first = TestNodes.start(config);
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(first), API_KEY);
      acked = api.push(APP, user, "{\"n\":1}");
      try (WsTestClient client =
          WsTestClient.connectAndHello(TestNodes.hostPort(first), APP, api.token(APP, user))) {
        assertEquals(acked, client.next("push").path("id").asText());
        client.ack(1);
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    api.get("/v1/apps/" + APP + "/users/" + user).json().path("pending").asInt()
                        == 0);
      }
      pending = api.push(APP, user, "{\"n\":2}");
    } finally {
      TestNodes.stop(first);
    }

    PushgateNode second = TestNodes.start(config);
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(second), API_KEY);
      try (WsTestClient client =
          WsTestClient.connectAndHello(TestNodes.hostPort(second), APP, api.token(APP, user))) {
        assertEquals(1, client.welcome.path("pending").asInt());
        JsonNode push = client.next("push");
        assertEquals(pending, push.path("id").asText());
        assertEquals(2, push.path("seq").asLong());
      }
    } finally {
      TestNodes.stop(second);
    }
  }

  @Test
  void unackedBroadcastIsDeliveredAfterTheNodeRestartsAndAnAckedOneIsNot() throws Exception {
    String app = "restartb";
    Config config = TestNodes.withApps(storage(), app);
    String pending;
    PushgateNode first = TestNodes.start(config);
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(first), TestNodes.apiKey(app));
      String token = api.token(app, "u");
      try (WsTestClient client =
          WsTestClient.connectAndHello(TestNodes.hostPort(first), app, token)) {
        String acked =
            api.post("/v1/apps/" + app + "/broadcasts", "{\"data\":1}").json().path("id").asText();
        assertEquals(1, client.next("push").path("bseq").asLong());
        client.ackBroadcast(1);
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    api.get("/v1/apps/" + app + "/broadcasts/" + acked)
                            .json()
                            .path("ackedSessions")
                            .asLong()
                        == 1);
      }
      pending =
          api.post("/v1/apps/" + app + "/broadcasts", "{\"data\":2}").json().path("id").asText();
    } finally {
      TestNodes.stop(first);
    }

    PushgateNode second = TestNodes.start(config);
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(second), TestNodes.apiKey(app));
      try (WsTestClient client =
          WsTestClient.connectAndHello(TestNodes.hostPort(second), app, api.token(app, "u"))) {
        JsonNode push = client.next("push");
        assertEquals(
            pending,
            push.path("id").asText(),
            "the acked broadcast came back, or the pending one was lost");
        assertEquals(2, push.path("bseq").asLong());
      }
    } finally {
      TestNodes.stop(second);
    }
  }
}
