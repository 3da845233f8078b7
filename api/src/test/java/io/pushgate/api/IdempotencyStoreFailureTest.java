package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pushgate.api.idempotency.Claim;
import io.pushgate.api.idempotency.IdempotencyStore;
import io.pushgate.api.idempotency.StoredResponse;
import io.pushgate.api.ratelimit.LocalSendRateLimiter;
import io.pushgate.auth.ClientTokens;
import io.pushgate.model.App;
import io.pushgate.model.AppLimits;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, defect 5: the idempotency store can fail after a send was admitted (Redis froze between
 * the claim and storing the answer). The answer is then not stored and a later retry runs the send
 * again; it must not queue the message twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyStoreFailureTest {

  private static final App APP =
      new App(
          "forgetful",
          "k-forgetful",
          "forgetful-test-token-secret-0123456789",
          false,
          new AppLimits(
              Duration.ofHours(1), Duration.ofHours(2), OverflowPolicy.REJECT, 10_000, 10_000));

  /** Grants every claim (as after the in-flight claim expired) and fails every write. */
  private static final class ForgetfulStore implements IdempotencyStore {
    @Override
    public CompletionStage<Claim> claim(String app, String key, String requestHash) {
      return CompletableFuture.completedFuture(new Claim.Fresh());
    }

    @Override
    public CompletionStage<Void> complete(
        String app, String key, String requestHash, StoredResponse response) {
      return CompletableFuture.failedFuture(new IllegalStateException("Redis froze"));
    }

    @Override
    public CompletionStage<Void> release(String app, String key) {
      return CompletableFuture.failedFuture(new IllegalStateException("Redis froze"));
    }
  }

  private ActorTestKit testKit;
  private ApiTestClient api;

  @BeforeAll
  void startNode() {
    testKit = SingleNodeTestKit.start("IdempotencyStoreFailureTest", "");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes =
        new ApiRoutes(
            ApiServices.create(
                testKit.system(),
                ApiServices.Deps.of(
                        testKit.system(),
                        sessions,
                        new AppRegistry(List.of(APP)),
                        new ClientTokens())
                    .withIdempotency(new ForgetfulStore())
                    .withRateLimiter(new LocalSendRateLimiter())));
    api = ApiTestServer.serving(testKit.system(), routes, APP.apiKey());
  }

  @AfterAll
  void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRetryAfterTheStoreLostTheAnswerQueuesTheMessageOnce() {
    String body = "{\"to\":[\"ann\",\"bob\"],\"data\":{\"x\":1}}";
    Reply first =
        api.postWithHeader("/v1/apps/forgetful/messages", body, "Idempotency-Key", "order-17");
    Reply retry =
        api.postWithHeader("/v1/apps/forgetful/messages", body, "Idempotency-Key", "order-17");
    assertEquals(202, first.status(), String.valueOf(first.json()));
    assertEquals(202, retry.status(), String.valueOf(retry.json()));
    assertEquals(
        first.json().path("id").asText(),
        retry.json().path("id").asText(),
        "the same request, the same message");
    assertEquals(
        first.json().path("recipients").get(0).path("seq").asLong(),
        retry.json().path("recipients").get(0).path("seq").asLong());
    for (String user : List.of("ann", "bob")) {
      assertEquals(
          1,
          api.get("/v1/apps/forgetful/users/" + user).json().path("pending").asInt(),
          user + " holds it once");
    }
  }

  @Test
  void theSameKeyWithAnotherBodyIsAnotherMessage() {
    Reply a =
        api.postWithHeader(
            "/v1/apps/forgetful/messages",
            "{\"to\":[\"cy\"],\"data\":{\"x\":1}}",
            "Idempotency-Key",
            "k-2");
    Reply b =
        api.postWithHeader(
            "/v1/apps/forgetful/messages",
            "{\"to\":[\"cy\"],\"data\":{\"x\":2}}",
            "Idempotency-Key",
            "k-2");
    assertNotEquals(a.json().path("id").asText(), b.json().path("id").asText());
    assertEquals(2, api.get("/v1/apps/forgetful/users/cy").json().path("pending").asInt());
  }
}
