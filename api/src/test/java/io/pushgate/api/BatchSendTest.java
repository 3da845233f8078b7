package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /v1/apps/{app}/messages:batch} on a real single-node cluster over a real API server:
 * per-message results, batch-wide limits (max-batch-messages 5, max-recipients 10 here), idempotent
 * retries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchSendTest {

  private static final App DEMO =
      new App("demo", "demo-key", "batch-test-token-secret-0123456789abcdef", false);
  private static final String BATCH = "/v1/apps/demo/messages:batch";

  private ActorTestKit testKit;
  private ApiTestClient api;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void start() {
    testKit =
        SingleNodeTestKit.start(
            "BatchSendTest",
            "pushgate.api.max-batch-messages = 5\npushgate.api.max-recipients = 10");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes = TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(DEMO)));
    api = ApiTestServer.serving(testKit.system(), routes, DEMO.apiKey());
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private String user() {
    return "batch-user-" + users.incrementAndGet();
  }

  private static String message(String to, String data) {
    return "{\"to\":[\"" + to + "\"],\"qos\":1,\"data\":" + data + "}";
  }

  @Test
  void everyMessageIsQueuedForItsOwnRecipientsWith202() {
    String a = user();
    String b = user();
    Reply reply =
        api.post(
            BATCH,
            "{\"messages\":["
                + message(a, "{\"n\":1}")
                + ","
                + message(b, "{\"n\":2}")
                + ","
                + "{\"to\":[\""
                + a
                + "\",\""
                + b
                + "\"],\"qos\":1,\"ttl\":60,\"data\":\"both\"}]}");
    assertEquals(202, reply.status(), () -> reply.json().toString());
    JsonNode results = reply.json().path("results");
    assertEquals(3, results.size());
    for (JsonNode r : results) {
      assertEquals(202, r.path("status").asInt());
      assertTrue(r.path("id").isTextual());
      assertTrue(r.path("problem").isMissingNode());
    }
    assertNotEquals(
        results.get(0).path("id").asText(),
        results.get(1).path("id").asText(),
        "each message its own id");
    assertEquals(a, results.get(0).path("recipients").get(0).path("user").asText());
    assertEquals("queued", results.get(0).path("recipients").get(0).path("status").asText());
    assertEquals(2, results.get(2).path("recipients").size());
    assertEquals(2, api.get("/v1/apps/demo/users/" + a).json().path("pending").asInt());
    assertEquals(2, api.get("/v1/apps/demo/users/" + b).json().path("pending").asInt());
  }

  @Test
  void anInvalidMessageIsRefusedAloneAndTheBatchIs207() {
    String a = user();
    String b = user();
    Reply reply =
        api.post(
            BATCH,
            "{\"messages\":["
                + message(a, "1")
                + ",{\"to\":[\""
                + b
                + "\"],\"qos\":7,\"data\":1},"
                + "{\"to\":[\""
                + b
                + "\"]},"
                + "\"not an object\"]}");
    assertEquals(207, reply.status(), () -> reply.json().toString());
    JsonNode results = reply.json().path("results");
    assertEquals(202, results.get(0).path("status").asInt());
    assertEquals(400, results.get(1).path("status").asInt());
    assertEquals("invalid_qos", results.get(1).path("problem").path("code").asText());
    assertEquals("messages[1].qos", results.get(1).path("problem").path("field").asText());
    assertTrue(results.get(1).path("id").isMissingNode(), "a refused message has no id");
    assertEquals("missing_data", results.get(2).path("problem").path("code").asText());
    assertEquals("messages[2].data", results.get(2).path("problem").path("field").asText());
    assertEquals("invalid_field", results.get(3).path("problem").path("code").asText());
    assertEquals("messages[3]", results.get(3).path("problem").path("field").asText());
    assertEquals(1, api.get("/v1/apps/demo/users/" + a).json().path("pending").asInt());
    assertEquals(
        0,
        api.get("/v1/apps/demo/users/" + b).json().path("pending").asInt(),
        "nothing of the refused ones is stored");
  }

  @Test
  void batchWideLimitsRefuseTheWholeBatch() {
    StringBuilder six = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < 6; i++) six.append(i > 0 ? "," : "").append(message(user(), "1"));
    api.post(BATCH, six.append("]}").toString()).assertProblem(400, "too_many_messages");
    api.post(BATCH, "{\"messages\":[]}").assertProblem(400, "too_many_messages");
    api.post(BATCH, "{}").assertProblem(400, "invalid_field");
    api.post(BATCH, "{\"messages\":[],\"extra\":1}").assertProblem(400, "invalid_field");
    api.post(BATCH, "[1]").assertProblem(400, "invalid_field");
    api.post(BATCH, "{\"messages\":").assertProblem(400, "malformed_json");
    // 3 messages of 4 recipients: 12 together, above max-recipients 10
    StringBuilder wide = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < 3; i++) {
      wide.append(i > 0 ? "," : "")
          .append(
              "{\"to\":[\""
                  + user()
                  + "\",\""
                  + user()
                  + "\",\""
                  + user()
                  + "\",\""
                  + user()
                  + "\"],\"data\":1}");
    }
    Reply tooWide =
        api.post(BATCH, wide.append("]}").toString()).assertProblem(400, "too_many_recipients");
    assertEquals("messages", tooWide.json().path("field").asText());
    api.call("POST", BATCH, "wrong-key", "application/json", "{\"messages\":[]}")
        .assertProblem(401, "unauthorized");
    api.get(BATCH).assertProblem(405, "method_not_allowed");
  }

  @Test
  void anIdempotentRetryReplaysTheAnswerAndStoresNothingTwice() {
    String a = user();
    String body = "{\"messages\":[" + message(a, "1") + "," + message(a, "2") + "]}";
    Reply first = api.postWithHeader(BATCH, body, "Idempotency-Key", "batch-" + a);
    assertEquals(202, first.status());
    Reply retry = api.postWithHeader(BATCH, body, "Idempotency-Key", "batch-" + a);
    assertEquals(202, retry.status());
    assertEquals("true", retry.header("Idempotent-Replayed").orElse(""));
    assertEquals(first.json(), retry.json());
    assertEquals(2, api.get("/v1/apps/demo/users/" + a).json().path("pending").asInt());
    api.postWithHeader(
            BATCH, "{\"messages\":[" + message(a, "3") + "]}", "Idempotency-Key", "batch-" + a)
        .assertProblem(422, "idempotency_key_reused");
  }
}
