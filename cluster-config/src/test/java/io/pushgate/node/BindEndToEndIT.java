package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several apps on one connection, end to end over real sockets: bind and unbind, pushes naming
 * their app, acks per app, a kick that unbinds one app only, and the documented errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BindEndToEndIT {

  @TempDir static Path dataDir;
  private PushgateNode node;
  private String hostPort;

  @BeforeAll
  void startNode() throws Exception {
    node =
        TestNodes.start(
            ConfigFactory.parseString("pushgate.gateway.subscriptions.max-apps-per-connection = 2")
                .withFallback(
                    TestNodes.withApps(TestNodes.h2Node(dataDir), "main", "news", "shop")));
    hostPort = TestNodes.hostPort(node);
  }

  @AfterAll
  void stopNode() throws Exception {
    TestNodes.stop(node);
  }

  private ApiTestClient api(String app) {
    return ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(app));
  }

  private JsonNode bind(WsTestClient c, String app, String user) throws Exception {
    c.send(
        "{\"t\":\"bind\",\"app\":\"" + app + "\",\"token\":\"" + api(app).token(app, user) + "\"}");
    return c.next("bound");
  }

  @Test
  void aBoundAppIsItsOwnSessionWithItsOwnQueueAcksAndKick() throws Exception {
    String user = "both";
    try (WsTestClient c =
        WsTestClient.connectAndHello(hostPort, "main", api("main").token("main", user))) {
      String waiting = api("news").push("news", user, "\"stored before the bind\"");
      JsonNode bound = bind(c, "news", user);
      assertEquals("news:" + user, bound.path("session").asText());
      assertEquals(1, bound.path("pending").asInt());
      JsonNode first = c.next("push");
      assertEquals(waiting, first.path("id").asText());
      assertEquals("news", first.path("app").asText());
      assertEquals(1, first.path("seq").asLong());

      String mainMsg = api("main").push("main", user, "\"main\"");
      JsonNode second = c.next("push");
      assertEquals(mainMsg, second.path("id").asText());
      assertEquals(
          "main", second.path("app").asText(), "with two apps bound every push names its app");
      assertEquals(1, second.path("seq").asLong(), "each app has its own seq");

      c.send("{\"t\":\"ack\",\"app\":\"news\",\"seq\":1}");
      await().atMost(Duration.ofSeconds(20)).until(() -> pending("news", user) == 0);
      assertEquals(1, pending("main", user), "an ack for news acked main");

      assertEquals(
          200, api("news").delete("/v1/apps/news/users/" + user + "/connections").status());
      JsonNode unbound = c.next("unbound");
      assertEquals("news", unbound.path("app").asText());
      assertEquals("kicked", unbound.path("reason").asText());
      c.send("{\"t\":\"ping\"}");
      c.next("pong"); // the connection and the main app stay
      String afterKick = api("main").push("main", user, "\"still here\"");
      JsonNode third = c.next("push");
      assertEquals(afterKick, third.path("id").asText());
      assertTrue(
          third.path("app").isMissingNode(), "one app bound again: pushes need no app: " + third);
    }
  }

  @Test
  void unbindEndsTheBoundSessionOnThisConnection() throws Exception {
    String user = "unbinder";
    try (WsTestClient c =
        WsTestClient.connectAndHello(hostPort, "main", api("main").token("main", user))) {
      bind(c, "shop", user);
      await().atMost(Duration.ofSeconds(20)).until(() -> online("shop", user));
      c.send("{\"t\":\"unbind\",\"app\":\"shop\"}");
      JsonNode unbound = c.next("unbound");
      assertEquals("client", unbound.path("reason").asText());
      await().atMost(Duration.ofSeconds(20)).until(() -> !online("shop", user));
      assertTrue(online("main", user));
    }
  }

  @Test
  void badBindsGetDocumentedErrorsAndTheConnectionStaysOpen() throws Exception {
    String user = "errors";
    try (WsTestClient c =
        WsTestClient.connectAndHello(hostPort, "main", api("main").token("main", user))) {
      c.send(
          "{\"t\":\"bind\",\"app\":\"news\",\"token\":\""
              + api("shop").token("shop", user)
              + "\"}");
      JsonNode wrongToken = c.next("error");
      assertEquals(
          "invalid_token", wrongToken.path("code").asText(), "a token of another app was accepted");
      assertEquals("news", wrongToken.path("app").asText());
      c.send("{\"t\":\"bind\",\"app\":\"nope\",\"token\":\"x\"}");
      assertEquals("unknown_app", c.next("error").path("code").asText());
      c.send(
          "{\"t\":\"bind\",\"app\":\"main\",\"token\":\""
              + api("main").token("main", user)
              + "\"}");
      assertEquals("already_bound", c.next("error").path("code").asText());
      bind(c, "news", user);
      c.send(
          "{\"t\":\"bind\",\"app\":\"shop\",\"token\":\""
              + api("shop").token("shop", user)
              + "\"}");
      assertEquals("too_many_apps", c.next("error").path("code").asText());
      c.send("{\"t\":\"unbind\",\"app\":\"main\"}");
      assertEquals("not_bound", c.next("error").path("code").asText());
      c.send("{\"t\":\"ack\",\"app\":\"shop\",\"seq\":1}");
      assertEquals("not_bound", c.next("error").path("code").asText());
      c.send("{\"t\":\"bind\",\"app\":\"news\"}");
      assertEquals("bad_frame", c.next("error").path("code").asText());
      c.send("{\"t\":\"ping\"}");
      c.next("pong");
      assertFalse(online("shop", user));
    }
  }

  private int pending(String app, String user) throws Exception {
    return api(app).get("/v1/apps/" + app + "/users/" + user).json().path("pending").asInt();
  }

  private boolean online(String app, String user) throws Exception {
    return api(app).get("/v1/apps/" + app + "/users/" + user).json().path("online").asBoolean();
  }
}
