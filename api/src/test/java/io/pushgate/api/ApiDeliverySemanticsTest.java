package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.model.App;
import io.pushgate.model.AppLimits;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Production delivery semantics through the API on a real single-node cluster: per-app TTL bounds,
 * collapse keys, overflow policies, message status, idempotent sends and the send rate limit
 * (in-memory stores; the Redis-backed ones are covered by RedisLimitsIT).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDeliverySemanticsTest {

  private static final String SECRET = "semantics-test-token-secret-0123456789";
  private static final App REJECTING =
      new App(
          "rejecting",
          "k1",
          SECRET,
          false,
          new AppLimits(
              Duration.ofHours(1), Duration.ofHours(2), OverflowPolicy.REJECT, 10_000, 10_000));
  private static final App DROPPING =
      new App(
          "dropping",
          "k2",
          SECRET,
          false,
          new AppLimits(
              Duration.ofHours(1),
              Duration.ofHours(2),
              OverflowPolicy.DROP_OLDEST,
              10_000,
              10_000));
  private static final App SLOW =
      new App(
          "slow",
          "k3",
          SECRET,
          false,
          new AppLimits(Duration.ofHours(1), Duration.ofHours(2), OverflowPolicy.REJECT, 1, 2));

  private ActorTestKit testKit;
  private ApiTestClient rejecting;
  private ApiTestClient dropping;
  private ApiTestClient slow;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void startNode() {
    testKit =
        SingleNodeTestKit.start("ApiDeliverySemanticsTest", "pushgate.session.max-pending = 2");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes =
        TestRoutes.of(
            testKit.system(), sessions, new AppRegistry(List.of(REJECTING, DROPPING, SLOW)));
    rejecting = ApiTestServer.serving(testKit.system(), routes, REJECTING.apiKey());
    dropping = rejecting.withKey(DROPPING.apiKey());
    slow = rejecting.withKey(SLOW.apiKey());
  }

  @AfterAll
  void stopNode() {
    testKit.shutdownTestKit();
  }

  private String freshUser() {
    return "sem" + users.incrementAndGet();
  }

  private static String send(String user, String extra) {
    return "{\"to\":[\"" + user + "\"],\"data\":{\"x\":1}" + extra + "}";
  }

  @Test
  void ttlIsBoundedByTheAppsLimit() {
    String user = freshUser();
    assertEquals(
        202, rejecting.post("/v1/apps/rejecting/messages", send(user, ",\"ttl\":7200")).status());
    Reply tooLong = rejecting.post("/v1/apps/rejecting/messages", send(user, ",\"ttl\":7201"));
    assertEquals(400, tooLong.status());
    assertEquals("invalid_ttl", tooLong.json().path("code").asText());
  }

  @Test
  void collapseKeyReplacesThePendingMessageAndStatusSaysSo() {
    String user = freshUser();
    Reply first =
        rejecting.post("/v1/apps/rejecting/messages", send(user, ",\"collapseKey\":\"unread\""));
    String firstId = first.json().path("id").asText();
    Reply second =
        rejecting.post("/v1/apps/rejecting/messages", send(user, ",\"collapseKey\":\"unread\""));
    assertEquals(202, second.status());
    assertEquals(firstId, second.json().path("recipients").get(0).path("replaced").asText());
    Reply status = rejecting.get("/v1/apps/rejecting/users/" + user + "/messages/" + firstId);
    assertEquals(200, status.status());
    assertEquals("replaced", status.json().path("status").asText());
    assertEquals(
        1, rejecting.get("/v1/apps/rejecting/users/" + user).json().path("pending").asInt());
  }

  @Test
  void collapseKeyIsValidated() {
    String user = freshUser();
    Reply tooLong =
        rejecting.post(
            "/v1/apps/rejecting/messages",
            send(user, ",\"collapseKey\":\"" + "k".repeat(129) + "\""));
    assertEquals("invalid_collapse_key", tooLong.json().path("code").asText());
    Reply qos0 =
        rejecting.post(
            "/v1/apps/rejecting/messages", send(user, ",\"qos\":0,\"collapseKey\":\"k\""));
    assertEquals("invalid_collapse_key", qos0.json().path("code").asText());
  }

  @Test
  void rejectPolicyAnswers207WithQueueFull() {
    String user = freshUser();
    for (int i = 0; i < 2; i++)
      assertEquals(202, rejecting.post("/v1/apps/rejecting/messages", send(user, "")).status());
    Reply full = rejecting.post("/v1/apps/rejecting/messages", send(user, ""));
    assertEquals(207, full.status());
    assertEquals("queue_full", full.json().path("recipients").get(0).path("status").asText());
  }

  @Test
  void dropOldestPolicyQueuesAndReportsWhatItDropped() {
    String user = freshUser();
    String oldest =
        dropping.post("/v1/apps/dropping/messages", send(user, "")).json().path("id").asText();
    dropping.post("/v1/apps/dropping/messages", send(user, ""));
    Reply third = dropping.post("/v1/apps/dropping/messages", send(user, ""));
    assertEquals(202, third.status());
    assertEquals(oldest, third.json().path("recipients").get(0).path("dropped").get(0).asText());
    assertEquals(
        "dropped",
        dropping
            .get("/v1/apps/dropping/users/" + user + "/messages/" + oldest)
            .json()
            .path("status")
            .asText());
  }

  @Test
  void messageStatusReportsPendingAndUnknown() {
    String user = freshUser();
    String id =
        rejecting.post("/v1/apps/rejecting/messages", send(user, "")).json().path("id").asText();
    Reply pending = rejecting.get("/v1/apps/rejecting/users/" + user + "/messages/" + id);
    assertEquals("pending", pending.json().path("status").asText());
    assertEquals(1, pending.json().path("seq").asLong());
    Reply unknown = rejecting.get("/v1/apps/rejecting/users/" + user + "/messages/no-such-id");
    assertEquals(200, unknown.status());
    assertEquals("unknown", unknown.json().path("status").asText());
    assertEquals(
        400, rejecting.get("/v1/apps/rejecting/users/" + user + "/messages/bad%20id").status());
  }

  @Test
  void idempotentRetryReplaysTheFirstAnswerAndQueuesOnce() {
    String user = freshUser();
    String body = send(user, "");
    Reply first =
        rejecting.postWithHeader(
            "/v1/apps/rejecting/messages", body, "Idempotency-Key", "order-" + user);
    Reply retry =
        rejecting.postWithHeader(
            "/v1/apps/rejecting/messages", body, "Idempotency-Key", "order-" + user);
    assertEquals(202, retry.status());
    assertEquals(first.json(), retry.json());
    assertEquals("true", retry.header("Idempotent-Replayed").orElse(""));
    assertEquals(
        1, rejecting.get("/v1/apps/rejecting/users/" + user).json().path("pending").asInt());

    Reply reused =
        rejecting.postWithHeader(
            "/v1/apps/rejecting/messages",
            send(user, ",\"ttl\":60"),
            "Idempotency-Key",
            "order-" + user);
    assertEquals(422, reused.status());
    assertEquals("idempotency_key_reused", reused.json().path("code").asText());
    Reply invalid =
        rejecting.postWithHeader(
            "/v1/apps/rejecting/messages", body, "Idempotency-Key", "bad key!");
    assertEquals("invalid_idempotency_key", invalid.json().path("code").asText());
  }

  @Test
  void sendRateLimitAnswers429WithRetryAfter() {
    String a = freshUser();
    String b = freshUser();
    Reply ok =
        slow.post("/v1/apps/slow/messages", "{\"to\":[\"" + a + "\",\"" + b + "\"],\"data\":1}");
    assertEquals(202, ok.status());
    Reply limited =
        slow.post("/v1/apps/slow/messages", "{\"to\":[\"" + a + "\",\"" + b + "\"],\"data\":1}");
    assertEquals(429, limited.status());
    assertEquals("rate_limited", limited.json().path("code").asText());
    long retryAfter = Long.parseLong(limited.header("Retry-After").orElse("0"));
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
  }
}
