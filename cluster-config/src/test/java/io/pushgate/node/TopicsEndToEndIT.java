package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics end to end over real sockets: client sub/unsub with the token's topic claim, limits and
 * bad input, live fan-out, history recovery with the right {@code recovered} flag, and server-side
 * subscriptions that survive reconnects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicsEndToEndIT {

  private static final String APP = "topics";
  @TempDir static Path dataDir;
  private PushgateNode node;
  private String hostPort;
  private ApiTestClient api;

  @BeforeAll
  void startNode() throws Exception {
    Config config =
        ConfigFactory.parseString(
                "pushgate.gateway.subscriptions.max-topics-per-connection = 3\n"
                    + "pushgate.topics.history = [ { app = \"*\", pattern = \"scores.>\", size = 3, ttl = 10 minutes } ]")
            .withFallback(TestNodes.withApps(TestNodes.h2Node(dataDir), APP));
    node = TestNodes.start(config);
    hostPort = TestNodes.hostPort(node);
    api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
  }

  @AfterAll
  void stopNode() throws Exception {
    TestNodes.stop(node);
  }

  private WsTestClient connect(String user, String... patterns) throws Exception {
    return WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user, patterns));
  }

  private JsonNode publish(String topic, String data) throws Exception {
    ApiTestClient.Reply reply =
        api.post("/v1/apps/" + APP + "/topics/" + topic + "/messages", "{\"data\":" + data + "}");
    assertEquals(202, reply.status(), reply.toString());
    return reply.json();
  }

  @Test
  void subscribedConnectionsGetTopicMessagesUntilTheyUnsubscribe() throws Exception {
    try (WsTestClient a = connect("a", "news.*");
        WsTestClient b = connect("b", "news.*")) {
      for (WsTestClient c : new WsTestClient[] {a, b}) {
        c.send("{\"t\":\"sub\",\"topic\":\"news.tech\"}");
        assertEquals("news.tech", c.next("subscribed").path("topic").asText());
      }
      a.send("{\"t\":\"sub\",\"topic\":\"news.sport\"}");
      a.next("subscribed");
      String id = publish("news.tech", "{\"h\":\"chips\"}").path("id").asText();
      for (WsTestClient c : new WsTestClient[] {a, b}) {
        JsonNode push = c.next("push");
        assertEquals(id, push.path("id").asText());
        assertEquals("news.tech", push.path("topic").asText());
        assertEquals(0, push.path("qos").asInt());
        assertEquals("chips", push.path("data").path("h").asText());
      }
      a.send("{\"t\":\"unsub\",\"topic\":\"news.tech\"}");
      assertEquals("news.tech", a.next("unsubscribed").path("topic").asText());
      publish("news.tech", "\"after unsub\"");
      String sport = publish("news.sport", "\"goal\"").path("id").asText();
      assertEquals(
          sport, a.next("push").path("id").asText(), "an unsubscribed topic still arrived");
      assertEquals("\"after unsub\"", b.next("push").path("data").toString());
    }
  }

  @Test
  void badTopicsUngrantedTopicsAndTooManyTopicsGetErrorsAndTheConnectionStaysOpen()
      throws Exception {
    try (WsTestClient c = connect("limits", "x.>")) {
      c.send("{\"t\":\"sub\",\"topic\":\"bad topic!\"}");
      assertEquals("invalid_topic", c.next("error").path("code").asText());
      c.send("{\"t\":\"sub\",\"topic\":\"other.thing\"}");
      JsonNode denied = c.next("error");
      assertEquals("topic_not_allowed", denied.path("code").asText());
      assertEquals("other.thing", denied.path("topic").asText());
      for (String t : new String[] {"x.1", "x.2", "x.3"}) {
        c.send("{\"t\":\"sub\",\"topic\":\"" + t + "\"}");
        c.next("subscribed");
      }
      c.send("{\"t\":\"sub\",\"topic\":\"x.4\"}");
      assertEquals("too_many_topics", c.next("error").path("code").asText());
      c.send("{\"t\":\"unsub\",\"topic\":\"x.9\"}");
      assertEquals("topic_not_allowed", c.next("error").path("code").asText());
      c.send("{\"t\":\"sub\"}");
      assertEquals("bad_frame", c.next("error").path("code").asText());
      c.send("{\"t\":\"ping\"}");
      c.next("pong");
    }
    ApiTestClient.Reply bad =
        api.post("/v1/apps/" + APP + "/topics/bad!topic/messages", "{\"data\":1}");
    assertEquals(400, bad.status());
    assertEquals("invalid_topic", bad.json().path("code").asText());
    ApiTestClient.Reply qos1 =
        api.post("/v1/apps/" + APP + "/topics/x.1/messages", "{\"qos\":1,\"data\":1}");
    assertEquals("invalid_qos", qos1.json().path("code").asText());
    ApiTestClient.Reply badClaim =
        api.post("/v1/apps/" + APP + "/tokens", "{\"user\":\"u\",\"topics\":[\"a..b\"]}");
    assertEquals("invalid_topic", badClaim.json().path("code").asText());
  }

  @Test
  void resubscribingWithSinceRecoversWhatWasMissedAndSaysWhenItCannot() throws Exception {
    String topic = "scores.final";
    String epoch;
    try (WsTestClient c = connect("fan", "scores.>")) {
      c.send("{\"t\":\"sub\",\"topic\":\"" + topic + "\"}");
      c.next("subscribed");
      JsonNode first = publish(topic, "1");
      assertEquals(1, first.path("offset").asLong());
      epoch = first.path("epoch").asText();
      JsonNode push = c.next("push");
      assertEquals(1, push.path("offset").asLong());
      assertEquals(epoch, push.path("epoch").asText());
    }
    publish(topic, "2");
    try (WsTestClient c = connect("fan", "scores.>")) {
      c.send("{\"t\":\"sub\",\"topic\":\"" + topic + "\",\"since\":1,\"epoch\":\"" + epoch + "\"}");
      JsonNode sub = c.next("subscribed");
      assertTrue(sub.path("recovered").asBoolean(), sub.toString());
      assertEquals(2, sub.path("offset").asLong());
      assertEquals(2, c.next("push").path("offset").asLong());
    }
    for (int i = 3; i <= 6; i++) publish(topic, Integer.toString(i)); // history keeps 3: 4, 5, 6
    try (WsTestClient c = connect("fan", "scores.>")) {
      c.send("{\"t\":\"sub\",\"topic\":\"" + topic + "\",\"since\":2,\"epoch\":\"" + epoch + "\"}");
      JsonNode sub = c.next("subscribed");
      assertFalse(
          sub.path("recovered").asBoolean(), "offset 3 is gone but recovered was true: " + sub);
      for (int i = 4; i <= 6; i++) assertEquals(i, c.next("push").path("offset").asLong());
      c.send("{\"t\":\"sub\",\"topic\":\"scores.other\",\"since\":5,\"epoch\":\"not-the-epoch\"}");
      assertFalse(c.next("subscribed").path("recovered").asBoolean());
    }
  }

  @Test
  void serverSideSubscriptionsLiveInTheSessionAndSurviveReconnects() throws Exception {
    String user = "server-sub";
    try (WsTestClient c = connect(user)) {
      ApiTestClient.Reply put =
          api.put("/v1/apps/" + APP + "/users/" + user + "/topics/alerts.eu", null);
      assertEquals(200, put.status(), put.toString());
      assertEquals("alerts.eu", put.json().path("topics").get(0).asText());
      JsonNode sub = c.next("subscribed");
      assertEquals("server", sub.path("by").asText());
      String id = publish("alerts.eu", "\"storm\"").path("id").asText();
      assertEquals(id, c.next("push").path("id").asText());
    }
    try (WsTestClient c = connect(user)) {
      assertEquals("alerts.eu", c.next("subscribed").path("topic").asText());
      String id = publish("alerts.eu", "\"again\"").path("id").asText();
      assertEquals(id, c.next("push").path("id").asText());
      c.send("{\"t\":\"unsub\",\"topic\":\"alerts.eu\"}");
      assertEquals(
          "topic_not_allowed",
          c.next("error").path("code").asText(),
          "a client removed a server-side topic");
      assertEquals(
          200, api.delete("/v1/apps/" + APP + "/users/" + user + "/topics/alerts.eu").status());
      JsonNode gone = c.next("unsubscribed");
      assertEquals("server", gone.path("by").asText());
    }
  }
}
