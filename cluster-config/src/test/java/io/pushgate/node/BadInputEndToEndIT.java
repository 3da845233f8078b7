package io.pushgate.node;

import static io.pushgate.node.TestNodes.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every bad input gets its documented answer from a real node (problem+json with a stable code, or
 * an error frame and a close code), and nothing else is lost: the user still receives what was
 * validly sent.
 */
class BadInputEndToEndIT extends SingleNodeFixture {

  @Test
  void apiRejectsBadInputWithProblemJsonAndStableCodes() throws Exception {
    String messages = "/v1/apps/" + APP + "/messages";
    assertProblem(api.post(messages, "{\"to\":[\"alice\"],"), 400, "malformed_json");
    assertProblem(api.post(messages, "{\"to\":[\"alice\"],\"qos\":1}"), 400, "missing_data");
    assertProblem(api.post(messages, "{\"to\":[\"no/slash\"],\"data\":1}"), 400, "invalid_user");
    assertProblem(
        api.post(messages, "{\"to\":[\"alice\"],\"qos\":2,\"data\":1}"), 400, "invalid_qos");
    assertProblem(
        api.post(messages, "{\"to\":[\"alice\"],\"ttl\":-1,\"data\":1}"), 400, "invalid_ttl");
    String tooMany =
        IntStream.range(0, 1001).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
    assertProblem(
        api.post(messages, "{\"to\":[" + tooMany + "],\"data\":1}"), 400, "too_many_recipients");
    String big = "\"" + "x".repeat(5000) + "\"";
    assertProblem(
        api.post(messages, "{\"to\":[\"alice\"],\"data\":" + big + "}"), 413, "payload_too_large");
    assertProblem(
        api.post("/v1/apps/nope/messages", "{\"to\":[\"alice\"],\"data\":1}"), 404, "unknown_app");
    ApiTestClient wrongKey = ApiTestClient.node(apiHostPort, "wrong-key");
    assertProblem(wrongKey.post(messages, "{\"to\":[\"alice\"],\"data\":1}"), 401, "unauthorized");
    assertProblem(
        api.call("POST", messages, null, "application/json", "{\"to\":[\"alice\"],\"data\":1}"),
        401,
        "unauthorized");
    assertProblem(api.get("/v1/no-such-route"), 404, "not_found");
  }

  @Test
  void badInputLosesNothingElse() throws Exception {
    String user = SingleNodeEndToEndIT.newUser();
    String id = api.push(APP, user, "{\"n\":1}");
    api.post("/v1/apps/" + APP + "/messages", "{\"to\":[\"" + user + "\"],\"data\":");
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      assertEquals(id, client.next("push").path("id").asText());
      client.send("{not json");
      assertEquals("bad_frame", client.next("error").path("code").asText());
      client.send("{\"t\":\"dance\"}");
      assertEquals("unknown_type", client.next("error").path("code").asText());
      client.send("{\"t\":\"ping\"}");
      client.next("pong");
      String after = api.push(APP, user, "{\"n\":2}");
      assertEquals(after, client.next("push").path("id").asText());
    }
  }

  @Test
  void invalidTokenGetsAnErrorFrameAndTheTerminalCode() throws Exception {
    try (WsTestClient client = WsTestClient.connect(hostPort)) {
      client.send("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"not-a-jwt\"}");
      assertEquals("invalid_token", client.next("error").path("code").asText());
      assertEquals(4100, client.awaitClose());
    }
  }

  @Test
  void unknownAppGetsItsCode() throws Exception {
    try (WsTestClient client = WsTestClient.connect(hostPort)) {
      client.send("{\"t\":\"hello\",\"app\":\"nope\",\"token\":\"x\"}");
      assertEquals("unknown_app", client.next("error").path("code").asText());
      assertEquals(4101, client.awaitClose());
    }
  }

  @Test
  void oversizedFrameClosesWith1009() throws Exception {
    try (WsTestClient client = WsTestClient.connect(hostPort)) {
      // the server may close while the frame is still being written: the send itself may fail
      client.sendWithoutWaiting("{\"t\":\"ping\",\"pad\":\"" + "x".repeat(10_000) + "\"}");
      assertEquals(1009, client.awaitClose());
    }
  }

  private static void assertProblem(ApiTestClient.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.toString());
    assertTrue(reply.contentType().startsWith("application/problem+json"), reply.toString());
    assertEquals(code, reply.json().path("code").asText(), reply.toString());
  }
}
