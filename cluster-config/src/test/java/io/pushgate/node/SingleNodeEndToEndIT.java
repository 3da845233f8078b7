package io.pushgate.node;

import static io.pushgate.node.TestNodes.APP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.node.health.DegradedComponents;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton, end to end over real sockets against a real node on embedded H2: HTTP API
 * in, WebSocket out, acks, redelivery, offline delivery, kick and replace.
 */
class SingleNodeEndToEndIT extends SingleNodeFixture {

  @Test
  void ackedMessageIsNotRedeliveredAfterReconnect() throws Exception {
    String user = newUser();
    String token = api.token(APP, user);
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, token)) {
      assertEquals(APP + ":" + user, client.welcome.path("session").asText());
      assertEquals(0, client.welcome.path("pending").asInt());

      String id = api.push(APP, user, "{\"text\":\"hello\"}");
      JsonNode push = client.next("push");
      assertEquals(id, push.path("id").asText());
      assertEquals(1, push.path("qos").asInt());
      assertEquals(1, push.path("seq").asLong());
      assertEquals("hello", push.path("data").path("text").asText());
      client.ack(1);
      awaitPending(user, 0);
    }
    try (WsTestClient again = WsTestClient.connectAndHello(hostPort, APP, token)) {
      assertEquals(0, again.welcome.path("pending").asInt());
      String second = api.push(APP, user, "{\"text\":\"second\"}");
      JsonNode push = again.next("push");
      assertEquals(second, push.path("id").asText(), "the acked message came back first");
      assertEquals(2, push.path("seq").asLong());
    }
  }

  @Test
  void unackedMessageIsRedeliveredOnReconnect() throws Exception {
    String user = newUser();
    String token = api.token(APP, user);
    String id;
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, token)) {
      id = api.push(APP, user, "{\"n\":1}");
      assertEquals(id, client.next("push").path("id").asText());
    }
    try (WsTestClient again = WsTestClient.connectAndHello(hostPort, APP, token)) {
      assertEquals(1, again.welcome.path("pending").asInt());
      JsonNode push = again.next("push");
      assertEquals(id, push.path("id").asText());
      assertEquals(1, push.path("seq").asLong());
    }
  }

  @Test
  void messagesSentWhileOfflineArriveInOrderOnConnect() throws Exception {
    String user = newUser();
    String first = api.push(APP, user, "{\"n\":1}");
    String second = api.push(APP, user, "{\"n\":2}");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      assertEquals(2, client.welcome.path("pending").asInt());
      assertEquals(first, client.next("push").path("id").asText());
      assertEquals(second, client.next("push").path("id").asText());
      client.ack(2);
      awaitPending(user, 0);
    }
  }

  @Test
  void qos0ReachesAnOnlineClientAndIsNeverStored() throws Exception {
    String user = newUser();
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      var reply =
          api.post(
              "/v1/apps/" + APP + "/messages",
              "{\"to\":[\"" + user + "\"],\"qos\":0,\"data\":\"typing\"}");
      assertEquals(202, reply.status());
      JsonNode push = client.next("push");
      assertEquals(0, push.path("qos").asInt());
      assertTrue(push.path("seq").isMissingNode(), "QoS 0 pushes carry no seq: " + push);
      assertEquals("typing", push.path("data").asText());
    }
    var status = api.get("/v1/apps/" + APP + "/users/" + user);
    assertEquals(0, status.json().path("pending").asInt());
  }

  @Test
  void statusShowsTheConnectionAndKickClosesItWithTheKickedCode() throws Exception {
    String user = newUser();
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      var status = api.get("/v1/apps/" + APP + "/users/" + user);
      assertEquals(200, status.status());
      assertTrue(status.json().path("online").asBoolean(), status.toString());
      assertEquals(1, status.json().path("connections").size());

      var kicked = api.delete("/v1/apps/" + APP + "/users/" + user + "/connections");
      assertEquals(200, kicked.status());
      assertEquals(1, kicked.json().path("closed").asInt());
      assertEquals(4103, client.awaitClose());
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> !api.get("/v1/apps/" + APP + "/users/" + user).json().path("online").asBoolean());
  }

  @Test
  void newerConnectionReplacesTheOlderOne() throws Exception {
    String user = newUser();
    String token = api.token(APP, user);
    try (WsTestClient older = WsTestClient.connectAndHello(hostPort, APP, token);
        WsTestClient newer = WsTestClient.connectAndHello(hostPort, APP, token)) {
      assertEquals(4102, older.awaitClose());
      String id = api.push(APP, user, "{}");
      assertEquals(id, newer.next("push").path("id").asText());
    }
  }

  @Test
  void dispatchAcceptsTheUsersTokenOrTheApiKeyAndNamesThisNode() throws Exception {
    String user = newUser();
    String own = "ws://127.0.0.1:" + node.gatewayAddress().getPort() + "/v1/ws";
    String path = "/v1/dispatch?app=" + APP + "&user=" + user;
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> api.get(path).json().path("endpoints").toString(),
            e -> e.equals("[\"" + own + "\"]"));
    ApiTestClient asClient = ApiTestClient.node(apiHostPort, api.token(APP, user));
    assertEquals(200, asClient.get(path).status());
    ApiTestClient otherUsersToken = ApiTestClient.node(apiHostPort, api.token(APP, newUser()));
    assertEquals(401, otherUsersToken.get(path).status());
    assertEquals(400, api.get("/v1/dispatch?app=" + APP + "&user=bad/user").status());
    assertEquals(404, api.get("/v1/dispatch?app=nope&user=" + user).status());
  }

  @Test
  void idempotentRetryThroughRedisQueuesOnceAndReplaysTheAnswer() throws Exception {
    String user = newUser();
    String body = "{\"to\":[\"" + user + "\"],\"data\":{\"order\":42}}";
    String uri = "/v1/apps/" + APP + "/messages";
    var first = api.postWithHeader(uri, body, "Idempotency-Key", "order-42-" + user);
    var retry = api.postWithHeader(uri, body, "Idempotency-Key", "order-42-" + user);
    assertEquals(202, first.status());
    assertEquals(first.json(), retry.json());
    assertEquals(1, api.get("/v1/apps/" + APP + "/users/" + user).json().path("pending").asInt());
  }

  @Test
  void collapsedMessageIsReportedAndOnlyTheNewestIsDelivered() throws Exception {
    String user = newUser();
    String path = "/v1/apps/" + APP + "/messages";
    String old =
        api.post(
                path,
                "{\"to\":[\"" + user + "\"],\"collapseKey\":\"unread\",\"data\":{\"unread\":1}}")
            .json()
            .path("id")
            .asText();
    var newer =
        api.post(
            path, "{\"to\":[\"" + user + "\"],\"collapseKey\":\"unread\",\"data\":{\"unread\":2}}");
    assertEquals(old, newer.json().path("recipients").get(0).path("replaced").asText());
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      assertEquals(1, client.welcome.path("pending").asInt());
      JsonNode push = client.next("push");
      assertEquals(2, push.path("data").path("unread").asInt());
      client.ack(push.path("seq").asLong());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  api.get(
                          "/v1/apps/"
                              + APP
                              + "/users/"
                              + user
                              + "/messages/"
                              + newer.json().path("id").asText())
                      .json()
                      .path("status")
                      .asText(),
              status -> status.equals("acked"));
    }
    assertEquals(
        "replaced",
        api.get("/v1/apps/" + APP + "/users/" + user + "/messages/" + old)
            .json()
            .path("status")
            .asText());
  }

  @Test
  void operatorEndpointsReportAliveAndReady() {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : new String[] {"/alive", "/ready", "/cluster/members"}) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create(node.managementUri().replaceAll("/$", "") + path))
                              .build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode(),
              status -> status == 200);
    }
  }

  @Test
  void metricsShowTheConnectionAndAMessagesJourney() throws Exception {
    String user = newUser();
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      api.post("/v1/apps/" + APP + "/messages", "{\"to\":[\"" + user + "\"],\"data\":{\"n\":1}}");
      client.ack(client.next("push").path("seq").asLong());
      String labels = "app=\"" + APP + "\"";
      String text =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(this::scrape, t -> value(t, "pushgate_messages_acked_total", labels) >= 1);
      assertTrue(value(text, "pushgate_connections_open", "transport=\"websocket\"") >= 1, text);
      assertTrue(
          value(text, "pushgate_messages_accepted_total", labels, "qos=\"1\"", "target=\"session\"")
              >= 1,
          text);
      assertTrue(value(text, "pushgate_messages_delivered_total", labels, "qos=\"1\"") >= 1, text);
      assertTrue(
          value(text, "pushgate_hello_latency_seconds_count", "transport=\"websocket\"") >= 1,
          text);
      assertTrue(value(text, "pushgate_delivery_latency_seconds_count") >= 1, text);
      assertTrue(value(text, "pushgate_journal_write_seconds_count") >= 1, text);
      assertEquals(1.0, value(text, "pushgate_journal_up"), text);
      assertTrue(text.contains("pushgate_messages_pending{"), text);
      assertTrue(text.contains("jvm_gc_"), text);
    }
  }

  @Test
  void theConsoleIsRefusedWithoutAnOperatorCredential() throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(node.managementUri().replaceAll("/$", "") + "/console/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(403, response.statusCode());
    assertTrue(response.body().contains("\"code\":\"console_disabled\""), response.body());
  }

  private String scrape() throws Exception {
    return MetricsScrape.scrape(node);
  }

  private static double value(String text, String name, String... labels) {
    return MetricsScrape.value(text, name, labels);
  }

  @Test
  void readyReportsDegradedComponentsWhileStaying200() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create(node.managementUri().replaceAll("/$", "") + "/ready");
    var degraded = DegradedComponents.get(node.system());
    try {
      degraded.register("test-component", () -> Optional.of(Map.of("admitted", 7)));
      var response =
          http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      JsonNode body = new ObjectMapper().readTree(response.body());
      assertEquals("degraded", body.path("status").asText(), response.body());
      assertEquals(7, body.path("degraded").path("test-component").path("admitted").asInt());
    } finally {
      degraded.register("test-component", Optional::empty);
    }
    var healthy =
        http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(healthy.body().contains("\"ready\""), healthy.body());
  }

  private void awaitPending(String user, int expected) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> api.get("/v1/apps/" + APP + "/users/" + user).json().path("pending").asInt(),
            pending -> pending == expected);
  }

  static String newUser() {
    return "u-" + UUID.randomUUID().toString().substring(0, 12);
  }
}
