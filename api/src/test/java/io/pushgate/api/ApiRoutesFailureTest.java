package io.pushgate.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.ratelimit.LocalSendRateLimiter;
import io.pushgate.auth.ClientTokens;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.session.MessageStatus;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionCommand.KickResult;
import io.pushgate.session.SessionStatus;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Outcomes that a healthy single node cannot produce on demand (timeouts, full queues, overload,
 * bounded fan-out), with scripted sessions behind the real routes and adapter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutesFailureTest {

  private static final App DEMO =
      new App("demo", "demo-key", "failure-test-secret-0123456789abcdef", false);

  private final ActorTestKit testKit = ActorTestKit.create("ApiRoutesFailureTest");
  private final ScriptedSessions sessions = new ScriptedSessions();

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void reset() {
    sessions.reset();
  }

  private ApiTestClient client(ApiSettings settings) {
    ApiRoutes routes =
        new ApiRoutes(
            ApiServices.create(
                testKit.system(),
                new ApiServices.Deps(
                    settings,
                    sessions,
                    new AppRegistry(List.of(DEMO)),
                    new ClientTokens(),
                    Clock.systemUTC(),
                    ApiRoutes.localIdempotency(testKit.system()),
                    new LocalSendRateLimiter(),
                    null)));
    return ApiTestServer.serving(testKit.system(), routes, DEMO.apiKey());
  }

  private ApiTestClient client() {
    return client(ApiTestSettings.defaults());
  }

  @Test
  void everyRecipientTimingOutIs503Unavailable() {
    sessions.script("a", Script.TIMEOUT);
    sessions.script("b", Script.TIMEOUT);
    client()
        .post("/v1/apps/demo/messages", "{\"to\":[\"a\",\"b\"],\"data\":1}")
        .assertProblem(503, "unavailable");
  }

  @Test
  void aFullQueueMakesIt207WithPerRecipientStatus() {
    sessions.script("full", Script.QUEUE_FULL);
    Reply reply = client().post("/v1/apps/demo/messages", "{\"to\":[\"ok\",\"full\"],\"data\":1}");
    assertEquals(207, reply.status());
    assertEquals("application/json", reply.contentType());
    JsonNode recipients = reply.json().path("recipients");
    assertEquals("queued", recipients.get(0).path("status").asText());
    assertEquals(7, recipients.get(0).path("seq").asLong());
    assertEquals("queue_full", recipients.get(1).path("status").asText());
    assertTrue(recipients.get(1).path("seq").isMissingNode());
  }

  @Test
  void onePartialTimeoutMakesIt207WithUnavailable() {
    sessions.script("slow", Script.TIMEOUT);
    Reply reply = client().post("/v1/apps/demo/messages", "{\"to\":[\"slow\",\"ok\"],\"data\":1}");
    assertEquals(207, reply.status());
    assertEquals("unavailable", reply.json().path("recipients").get(0).path("status").asText());
    assertEquals("queued", reply.json().path("recipients").get(1).path("status").asText());
  }

  @Test
  void everyRecipientGetsTheSameMessageId() {
    Reply reply =
        client().post("/v1/apps/demo/messages", "{\"to\":[\"a\",\"b\",\"c\"],\"data\":1}");
    assertEquals(202, reply.status());
    assertEquals(1, sessions.messageIds.size());
    assertEquals(reply.json().path("id").asText(), sessions.messageIds.iterator().next());
  }

  @Test
  void statusAndKickTimeoutsAre503Unavailable() {
    sessions.script("slow", Script.TIMEOUT);
    client().get("/v1/apps/demo/users/slow").assertProblem(503, "unavailable");
    client().delete("/v1/apps/demo/users/slow/connections").assertProblem(503, "unavailable");
  }

  @Test
  void requestsBeyondTheConcurrencyLimitAndItsQueueAreRefusedWithRetryAfter() throws Exception {
    sessions.script("held", Script.HOLD);
    ApiTestClient api = client(ApiTestSettings.withQueue(1, 0, Duration.ofSeconds(5)));
    CompletableFuture<Reply> first =
        api.postAsync("/v1/apps/demo/messages", "{\"to\":[\"held\"],\"data\":1}");
    await().atMost(Duration.ofSeconds(30)).until(() -> sessions.held.size() == 1);

    Reply refused =
        api.post("/v1/apps/demo/messages", "{\"to\":[\"other\"],\"data\":1}")
            .assertProblem(503, "overloaded");
    assertEquals("1", refused.header("Retry-After").orElseThrow());
    api.get("/v1/apps/demo/users/other").assertProblem(503, "overloaded");

    sessions.releaseHeld();
    assertEquals(202, first.get(30, TimeUnit.SECONDS).status());
    assertEquals(
        202, api.post("/v1/apps/demo/messages", "{\"to\":[\"other\"],\"data\":1}").status());
  }

  @Test
  void aQueuedRequestThatGetsNoTurnIsRefusedAfterTheQueueWait() throws Exception {
    sessions.script("held2", Script.HOLD);
    ApiTestClient api = client(ApiTestSettings.withQueue(1, 10, Duration.ofMillis(500)));
    CompletableFuture<Reply> first =
        api.postAsync("/v1/apps/demo/messages", "{\"to\":[\"held2\"],\"data\":1}");
    await().atMost(Duration.ofSeconds(30)).until(() -> sessions.held.size() == 1);
    long start = System.nanoTime();
    Reply refused =
        api.post("/v1/apps/demo/messages", "{\"to\":[\"other2\"],\"data\":1}")
            .assertProblem(503, "overloaded");
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(
        waitedMs >= 400 && waitedMs < 10_000,
        "refused after its queue wait, not at once nor never: " + waitedMs + " ms");
    assertEquals("1", refused.header("Retry-After").orElseThrow());
    sessions.releaseHeld();
    assertEquals(202, first.get(30, TimeUnit.SECONDS).status());
  }

  @Test
  void fanOutKeepsAtMostEnqueueParallelismAsksInFlight() throws Exception {
    for (int i = 0; i < 6; i++) sessions.script("u" + i, Script.HOLD);
    ApiTestClient api = client(ApiTestSettings.with(1000, 2, 512, Duration.ofSeconds(5)));
    CompletableFuture<Reply> reply =
        api.postAsync(
            "/v1/apps/demo/messages",
            "{\"to\":[\"u0\",\"u1\",\"u2\",\"u3\",\"u4\",\"u5\"],\"data\":1}");
    int released = 0;
    while (released < 6) {
      int expected = Math.min(2, 6 - released); // the stream keeps the window full
      await().atMost(Duration.ofSeconds(30)).until(() -> sessions.held.size() >= expected);
      released += sessions.releaseHeld();
    }
    assertEquals(2, sessions.maxHeld.get(), "most asks in flight at once");
    Reply response = reply.get(30, TimeUnit.SECONDS);
    assertEquals(202, response.status());
  }

  @Test
  void aFailingAskIsReportedUnavailableWithoutItsCause() {
    sessions.script("broken", Script.THROW);
    Reply reply = client().get("/v1/apps/demo/users/broken").assertProblem(503, "unavailable");
    assertFalse(reply.json().toString().contains("boom"));
    Reply send = client().post("/v1/apps/demo/messages", "{\"to\":[\"broken\"],\"data\":1}");
    send.assertProblem(503, "unavailable");
  }

  @Test
  void aBugWhileBuildingTheResponseIs500InternalError() {
    sessions.script("null", Script.NULL_REPLY);
    Reply reply = client().get("/v1/apps/demo/users/null").assertProblem(500, "internal_error");
    assertFalse(reply.json().toString().contains("NullPointer"));
  }

  private enum Script {
    QUEUE_FULL,
    TIMEOUT,
    HOLD,
    THROW,
    NULL_REPLY
  }

  /** Sessions that answer as scripted per user; unscripted users answer QUEUED seq 7 at once. */
  private static final class ScriptedSessions implements SessionAsks {
    final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<CompletableFuture<EnqueueResult>> held =
        new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<PushMessage> heldMessages = new ConcurrentLinkedQueue<>();
    final AtomicInteger maxHeld = new AtomicInteger();
    final Set<String> messageIds = ConcurrentHashMap.newKeySet();

    void reset() {
      scripts.clear();
      held.clear();
      heldMessages.clear();
      maxHeld.set(0);
      messageIds.clear();
    }

    void script(String user, Script script) {
      scripts.put(user, script);
    }

    int releaseHeld() {
      int n = 0;
      for (CompletableFuture<EnqueueResult> f; (f = held.poll()) != null; n++) {
        f.complete(new EnqueueResult(heldMessages.poll().id(), Outcome.QUEUED, 1));
      }
      return n;
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(
        SessionId session, PushMessage message, OverflowPolicy overflow, boolean idempotent) {
      messageIds.add(message.id());
      Script script = scripts.get(session.user());
      if (script == null)
        return CompletableFuture.completedFuture(
            new EnqueueResult(message.id(), Outcome.QUEUED, 7));
      return switch (script) {
        case QUEUE_FULL ->
            CompletableFuture.completedFuture(
                new EnqueueResult(message.id(), Outcome.QUEUE_FULL, 0));
        case TIMEOUT -> CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
        case THROW, NULL_REPLY -> throw new IllegalStateException("boom");
        case HOLD -> {
          CompletableFuture<EnqueueResult> f = new CompletableFuture<>();
          heldMessages.add(message);
          held.add(f);
          maxHeld.accumulateAndGet(held.size(), Math::max);
          yield f;
        }
      };
    }

    @Override
    public CompletionStage<MessageStatus> messageStatus(SessionId session, String messageId) {
      return CompletableFuture.completedFuture(MessageStatus.unknown(messageId));
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionId session) {
      Script script = scripts.get(session.user());
      if (script == Script.TIMEOUT)
        return CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
      if (script == Script.THROW) throw new IllegalStateException("boom");
      if (script == Script.NULL_REPLY) return CompletableFuture.completedFuture(null);
      return CompletableFuture.completedFuture(new SessionStatus(false, List.of(), 0, 0, 0));
    }

    @Override
    public CompletionStage<KickResult> kick(SessionId session) {
      Script script = scripts.get(session.user());
      if (script == Script.TIMEOUT)
        return CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
      return CompletableFuture.completedFuture(new KickResult(0));
    }

    @Override
    public CompletionStage<SessionCommand.DeviceReply> devices(
        SessionId session, Function<ActorRef<SessionCommand.DeviceReply>, SessionCommand> command) {
      return CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
    }

    @Override
    public CompletionStage<SessionCommand.TopicResult> changeTopic(
        SessionId session, String topic, boolean subscribe) {
      return CompletableFuture.failedFuture(new TimeoutException("ask timed out"));
    }
  }
}
