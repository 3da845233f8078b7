package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The device endpoints and a message's {@code notification} over HTTP on a real single-node
 * cluster: register, replace, list (tokens hidden), remove, the bound, and every refusal with its
 * code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceRoutesTest {

  private static final App DEMO =
      new App("demo", "demo-key", "device-test-token-secret-0123456789abcdef", false);
  private static final String APNS_TOKEN = "a".repeat(60) + "beef";

  private ActorTestKit testKit;
  private ApiTestClient api;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void startNode() {
    testKit = SingleNodeTestKit.start("DeviceRoutesTest", "pushgate.session.max-devices = 3");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes = TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(DEMO)));
    api = ApiTestServer.serving(testKit.system(), routes, DEMO.apiKey());
  }

  @AfterAll
  void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void devicesAreRegisteredReplacedListedAndRemoved() {
    String user = "dev" + users.incrementAndGet();
    String base = "/v1/apps/demo/users/" + user + "/devices/";
    Reply created =
        put(
            base + "iphone",
            "{\"platform\":\"apns\",\"token\":\""
                + APNS_TOKEN
                + "\",\"topic\":\"com.example.chat\"}");
    assertEquals(201, created.status());
    assertEquals(
        200,
        put(base + "iphone", "{\"platform\":\"apns\",\"token\":\"" + APNS_TOKEN + "\"}").status());
    assertEquals(
        201, put(base + "pixel", "{\"platform\":\"fcm\",\"token\":\"fcm-token-1234\"}").status());
    Reply listed = api.get("/v1/apps/demo/users/" + user + "/devices");
    assertEquals(200, listed.status());
    JsonNode devices = listed.json().path("devices");
    assertEquals(2, devices.size());
    assertEquals("iphone", devices.get(0).path("id").asText());
    assertEquals("apns", devices.get(0).path("platform").asText());
    assertEquals("…beef", devices.get(0).path("tokenHint").asText());
    assertFalse(
        new String(listed.body(), StandardCharsets.UTF_8).contains(APNS_TOKEN),
        "a token must never be returned");
    Reply removed = api.delete(base + "iphone");
    assertEquals(200, removed.status());
    assertEquals(1, removed.json().path("devices").size());
    api.delete(base + "iphone").assertProblem(404, "unknown_device");
  }

  @Test
  void aUserHasAtMostMaxDevices() {
    String base = "/v1/apps/demo/users/dev" + users.incrementAndGet() + "/devices/";
    for (int i = 0; i < 3; i++)
      assertEquals(
          201, put(base + "d" + i, "{\"platform\":\"fcm\",\"token\":\"t" + i + "\"}").status());
    put(base + "d3", "{\"platform\":\"fcm\",\"token\":\"t3\"}")
        .assertProblem(409, "too_many_devices");
    assertEquals(
        200,
        put(base + "d0", "{\"platform\":\"fcm\",\"token\":\"new\"}")
            .status()); // a known id still updates
  }

  @Test
  void badDevicesAreRefusedWithTheirCode() {
    String base = "/v1/apps/demo/users/dev" + users.incrementAndGet() + "/devices/";
    put(base + "ok", "{\"platform\":\"hms\",\"token\":\"t\"}").assertProblem(400, "invalid_device");
    put(base + "ok", "{\"platform\":\"fcm\"}").assertProblem(400, "invalid_device");
    put(base + "ok", "{\"platform\":\"fcm\",\"token\":\"" + "x".repeat(4097) + "\"}")
        .assertProblem(400, "invalid_device");
    put(base + "ok", "{\"platform\":\"apns\",\"token\":\"t\",\"topic\":\"not a bundle\"}")
        .assertProblem(400, "invalid_device");
    put(base + "b%21d", "{\"platform\":\"fcm\",\"token\":\"t\"}")
        .assertProblem(400, "invalid_device");
    put(base + "ok", "{\"platform\":\"fcm\",\"token\":\"t\",\"tokne\":1}")
        .assertProblem(400, "invalid_field");
    put(base + "ok", "[1]").assertProblem(400, "invalid_field");
    api.call("PUT", base + "ok", "wrong", "application/json", "{}")
        .assertProblem(401, "unauthorized");
  }

  @Test
  void aNotificationIsValidatedWithTheMessage() {
    String to = "{\"to\":[\"dev" + users.incrementAndGet() + "\"],\"data\":1,";
    assertEquals(
        202,
        api.post(
                "/v1/apps/demo/messages",
                to
                    + "\"notification\":{\"title\":\"Hi\",\"body\":\"there\",\"data\":{\"k\":\"v\"},\"badge\":1,\"collapseKey\":\"c\"}}")
            .status());
    api.post("/v1/apps/demo/messages", to + "\"qos\":0,\"notification\":{\"title\":\"Hi\"}}")
        .assertProblem(400, "invalid_notification");
    api.post("/v1/apps/demo/messages", to + "\"notification\":{}}")
        .assertProblem(400, "invalid_notification");
    api.post("/v1/apps/demo/messages", to + "\"notification\":\"Hi\"}")
        .assertProblem(400, "invalid_notification");
    api.post(
            "/v1/apps/demo/messages",
            to + "\"notification\":{\"title\":\"Hi\",\"data\":{\"k\":1}}}")
        .assertProblem(400, "invalid_notification");
    api.post(
            "/v1/apps/demo/messages",
            to + "\"notification\":{\"title\":\"Hi\",\"data\":{\"aps\":\"x\"}}}")
        .assertProblem(400, "invalid_notification");
    api.post("/v1/apps/demo/messages", to + "\"notification\":{\"title\":\"Hi\",\"badge\":-1}}")
        .assertProblem(400, "invalid_notification");
    api.post(
            "/v1/apps/demo/messages",
            to + "\"notification\":{\"body\":\"" + "x".repeat(2049) + "\"}}")
        .assertProblem(400, "invalid_notification");
    api.post("/v1/apps/demo/messages", to + "\"notification\":{\"title\":\"Hi\",\"icon\":\"x\"}}")
        .assertProblem(400, "invalid_notification");
  }

  private Reply put(String uri, String json) {
    return api.call("PUT", uri, DEMO.apiKey(), "application/json", json);
  }
}
