package io.pushgate.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.api.grpc.GrpcApiService;
import io.pushgate.api.grpc.GrpcErrors;
import io.pushgate.api.ratelimit.LocalSendRateLimiter;
import io.pushgate.auth.ClientTokens;
import io.pushgate.grpc.v1.Message;
import io.pushgate.grpc.v1.PublishRequest;
import io.pushgate.grpc.v1.PublishResult;
import io.pushgate.grpc.v1.RecipientStatus;
import io.pushgate.grpc.v1.SendBatchRequest;
import io.pushgate.grpc.v1.SendBatchResponse;
import io.pushgate.grpc.v1.SendRequest;
import io.pushgate.grpc.v1.SendResponse;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.session.MessageStatus;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import io.pushgate.session.SessionSharding;
import io.pushgate.session.SessionStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gRPC service without sockets: {@link GrpcApiService} called as Pekko gRPC's handler calls it,
 * over the real services of a single-node cluster (sharding, in-memory journal), or over sessions
 * that hold their answers, to see the Publish stream's bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcApiServiceTest {

  private static final App DEMO =
      new App("demo", "demo-key", "grpc-test-token-secret-0123456789abcdef", false);
  private static final Metadata AUTHORIZED =
      new MetadataBuilder().addText("authorization", "Bearer demo-key").build();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private ActorTestKit testKit;
  private GrpcApiService grpc;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void start() {
    testKit = SingleNodeTestKit.start("GrpcApiServiceTest", "");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiServices api =
        ApiServices.create(
            testKit.system(),
            ApiServices.Deps.of(
                testKit.system(), sessions, new AppRegistry(List.of(DEMO)), new ClientTokens()));
    grpc = new GrpcApiService(api, 64);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private String freshUser() {
    return "g" + users.incrementAndGet();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  private static SendRequest send(String user, String data) {
    return SendRequest.newBuilder()
        .setApp("demo")
        .setMessage(Message.newBuilder().addTo(user).setData(data))
        .build();
  }

  /** The call's failure: its status code and the stable code in its details. */
  private static void assertFails(
      Status.Code status, String code, String field, Supplier<CompletionStage<?>> call) {
    CompletionException failure =
        Assertions.assertThrows(CompletionException.class, () -> join(call.get()));
    GrpcServiceException e = assertInstanceOf(GrpcServiceException.class, failure.getCause());
    assertEquals(status, e.getStatus().getCode());
    assertEquals(code, e.getMetadata().getText(GrpcErrors.CODE_TRAILER).orElseThrow());
    ErrorInfo info = errorInfo(e);
    assertEquals(code, info.getReason());
    assertEquals(GrpcErrors.DOMAIN, info.getDomain());
    if (field != null) assertEquals(field, info.getMetadataOrThrow("field"));
  }

  private static ErrorInfo errorInfo(GrpcServiceException e) {
    try {
      com.google.rpc.Status details =
          com.google.rpc.Status.parseFrom(
              e.getMetadata().getBinary("grpc-status-details-bin").orElseThrow().toArray());
      return details.getDetails(0).unpack(ErrorInfo.class);
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void aQos1SendIsQueuedWithItsSeq() {
    String user = freshUser();
    SendResponse first = join(grpc.send(send(user, "{\"n\":1}"), AUTHORIZED));
    assertTrue(first.getAllAccepted());
    assertEquals(user, first.getRecipients(0).getUser());
    assertEquals(RecipientStatus.QUEUED, first.getRecipients(0).getStatus());
    assertEquals(1, first.getRecipients(0).getSeq());
    assertEquals(2, join(grpc.send(send(user, "2"), AUTHORIZED)).getRecipients(0).getSeq());
  }

  @Test
  void aQos0SendToAnOfflineUserIsOffline() {
    SendRequest request =
        SendRequest.newBuilder()
            .setApp("demo")
            .setMessage(Message.newBuilder().addTo(freshUser()).setQos(0).setData("\"hi\""))
            .build();
    SendResponse response = join(grpc.send(request, AUTHORIZED));
    assertEquals(RecipientStatus.OFFLINE, response.getRecipients(0).getStatus());
    assertFalse(response.getRecipients(0).hasSeq());
  }

  @Test
  void callsAreCountedByTransportOperationAndOutcome() {
    // the node adds its Prometheus registry to the composite; here a simple one
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PushgateMeters.get(testKit.system()).add(registry);
    Function<String, Double> count =
        outcome -> {
          var c =
              registry
                  .find("pushgate.api.calls")
                  .tags("transport", "grpc", "operation", "send", "outcome", outcome)
                  .counter();
          return c == null ? 0.0 : c.count();
        };
    double ok = count.apply("ok");
    double invalid = count.apply("invalid_ttl");
    join(grpc.send(send(freshUser(), "1"), AUTHORIZED));
    SendRequest badTtl =
        SendRequest.newBuilder()
            .setApp("demo")
            .setMessage(Message.newBuilder().addTo("a").setData("1").setTtl(0))
            .build();
    assertFails(
        Status.Code.INVALID_ARGUMENT, "invalid_ttl", "ttl", () -> grpc.send(badTtl, AUTHORIZED));
    assertEquals(ok + 1, count.apply("ok"));
    assertEquals(invalid + 1, count.apply("invalid_ttl"));
  }

  @Test
  void authenticationFailuresAreUnauthenticatedAndNotFound() {
    Metadata wrong = new MetadataBuilder().addText("authorization", "Bearer nope").build();
    assertFails(
        Status.Code.UNAUTHENTICATED, "unauthorized", null, () -> grpc.send(send("a", "1"), wrong));
    assertFails(
        Status.Code.UNAUTHENTICATED,
        "unauthorized",
        null,
        () -> grpc.send(send("a", "1"), MetadataBuilder.empty()));
    SendRequest otherApp = send("a", "1").toBuilder().setApp("nope").build();
    assertFails(Status.Code.NOT_FOUND, "unknown_app", null, () -> grpc.send(otherApp, AUTHORIZED));
  }

  @Test
  void badInputIsInvalidArgumentWithTheFieldAtFault() {
    Message.Builder ok = Message.newBuilder().addTo("a").setData("1");
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "invalid_ttl",
        "ttl",
        () ->
            grpc.send(
                SendRequest.newBuilder().setApp("demo").setMessage(ok.clone().setTtl(0)).build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "invalid_qos",
        "qos",
        () ->
            grpc.send(
                SendRequest.newBuilder().setApp("demo").setMessage(ok.clone().setQos(2)).build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "malformed_json",
        "data",
        () ->
            grpc.send(
                SendRequest.newBuilder()
                    .setApp("demo")
                    .setMessage(ok.clone().setData("{nope"))
                    .build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "missing_data",
        "data",
        () ->
            grpc.send(
                SendRequest.newBuilder()
                    .setApp("demo")
                    .setMessage(ok.clone().setData("null"))
                    .build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "invalid_user",
        "to[1]",
        () ->
            grpc.send(
                SendRequest.newBuilder().setApp("demo").setMessage(ok.clone().addTo("a/b")).build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "invalid_field",
        "to",
        () ->
            grpc.send(
                SendRequest.newBuilder()
                    .setApp("demo")
                    .setMessage(Message.newBuilder().setData("1"))
                    .build(),
                AUTHORIZED));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "invalid_idempotency_key",
        IdempotentSends.HEADER,
        () ->
            grpc.send(
                send("a", "1").toBuilder().setIdempotencyKey("no spaces").build(), AUTHORIZED));
  }

  @Test
  void anIdempotentSendIsStoredOnceAndAnsweredAgain() {
    String user = freshUser();
    SendRequest request =
        send(user, "{\"once\":true}").toBuilder().setIdempotencyKey("k-" + user).build();
    SendResponse first = join(grpc.send(request, AUTHORIZED));
    SendResponse again = join(grpc.send(request, AUTHORIZED));
    assertEquals(first, again);
    assertEquals(
        2,
        join(grpc.send(send(user, "2"), AUTHORIZED)).getRecipients(0).getSeq(),
        "the retry stored nothing");
    SendRequest otherBody =
        send(user, "{\"once\":false}").toBuilder().setIdempotencyKey("k-" + user).build();
    assertFails(
        Status.Code.FAILED_PRECONDITION,
        "idempotency_key_reused",
        null,
        () -> grpc.send(otherBody, AUTHORIZED));
  }

  @Test
  void aBatchAnswersEachMessageAsItsOwnSendWould() {
    String user = freshUser();
    SendBatchRequest batch =
        SendBatchRequest.newBuilder()
            .setApp("demo")
            .addMessages(Message.newBuilder().addTo(user).setData("1"))
            .addMessages(Message.newBuilder().addTo(user).setData("2").setTtl(-5))
            .addMessages(Message.newBuilder().addTo(user).setData("3"))
            .build();
    SendBatchResponse response = join(grpc.sendBatch(batch, AUTHORIZED));
    assertFalse(response.getAllAccepted());
    assertEquals(3, response.getResultsCount());
    assertTrue(response.getResults(0).hasSent());
    assertEquals("invalid_ttl", response.getResults(1).getRefused().getCode());
    assertEquals("messages[1].ttl", response.getResults(1).getRefused().getField());
    assertEquals(
        Status.Code.INVALID_ARGUMENT.value(), response.getResults(1).getRefused().getGrpcStatus());
    assertTrue(response.getResults(2).hasSent());
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "too_many_messages",
        "messages",
        () -> grpc.sendBatch(SendBatchRequest.newBuilder().setApp("demo").build(), AUTHORIZED));
  }

  @Test
  void aPublishStreamAnswersEverySendRefusalsIncluded() {
    String user = freshUser();
    List<PublishRequest> requests =
        IntStream.range(0, 200)
            .mapToObj(
                i ->
                    PublishRequest.newBuilder()
                        .setCorrelationId("c" + i)
                        .setSend(i % 50 == 7 ? send(user, "{bad") : send(user, Integer.toString(i)))
                        .build())
            .toList();
    List<PublishResult> results =
        join(grpc.publish(Source.from(requests), AUTHORIZED).runWith(Sink.seq(), testKit.system()));
    assertEquals(200, results.size());
    assertEquals(
        IntStream.range(0, 200).mapToObj(i -> "c" + i).collect(Collectors.toSet()),
        results.stream().map(PublishResult::getCorrelationId).collect(Collectors.toSet()));
    List<PublishResult> refused = results.stream().filter(PublishResult::hasRefused).toList();
    assertEquals(
        Set.of("c7", "c57", "c107", "c157"),
        refused.stream().map(PublishResult::getCorrelationId).collect(Collectors.toSet()));
    refused.forEach(r -> assertEquals("malformed_json", r.getRefused().getCode()));
    // every accepted send got its own seq: 196 messages queued, none lost, none twice
    assertEquals(
        IntStream.rangeClosed(1, 196).boxed().collect(Collectors.toSet()),
        results.stream()
            .filter(PublishResult::hasSent)
            .map(r -> (int) r.getSent().getRecipients(0).getSeq())
            .collect(Collectors.toSet()));
  }

  @Test
  void aPublishStreamWithAWrongKeyRefusesEachSend() {
    Metadata wrong = new MetadataBuilder().addText("authorization", "Bearer nope").build();
    List<PublishResult> results =
        join(
            grpc.publish(
                    Source.from(
                        List.of(
                            PublishRequest.newBuilder()
                                .setCorrelationId("x")
                                .setSend(send("a", "1"))
                                .build())),
                    wrong)
                .runWith(Sink.seq(), testKit.system()));
    assertEquals("unauthorized", results.get(0).getRefused().getCode());
    assertEquals(Status.Code.UNAUTHENTICATED.value(), results.get(0).getRefused().getGrpcStatus());
  }

  @Test
  void aPublishStreamReadsNoFurtherThanItsSendsInFlight() {
    HeldSessions held = new HeldSessions();
    ApiServices api =
        ApiServices.create(
            testKit.system(),
            new ApiServices.Deps(
                ApiTestSettings.defaults(),
                held,
                new AppRegistry(List.of(DEMO)),
                new ClientTokens(),
                Clock.systemUTC(),
                ApiRoutes.localIdempotency(testKit.system()),
                new LocalSendRateLimiter(),
                null));
    GrpcApiService bounded = new GrpcApiService(api, 8);
    AtomicInteger pulled = new AtomicInteger();
    Source<PublishRequest, ?> requests =
        Source.range(0, 99)
            .map(
                i -> {
                  pulled.incrementAndGet();
                  return PublishRequest.newBuilder()
                      .setCorrelationId("c" + i)
                      .setSend(send("u" + i, "1"))
                      .build();
                });
    CompletionStage<List<PublishResult>> results =
        bounded
            .publish(requests.mapMaterializedValue(m -> NotUsed.notUsed()), AUTHORIZED)
            .runWith(Sink.seq(), testKit.system());
    await().atMost(WAIT).until(() -> held.waiting.size() == 8);
    assertEquals(8, pulled.get(), "the stream is not read past its sends in flight");
    // release as they come: every send is answered
    await()
        .atMost(WAIT)
        .until(
            () -> {
              held.releaseAll();
              return results.toCompletableFuture().isDone();
            });
    assertEquals(100, join(results).size());
    assertTrue(held.maxWaiting.get() <= 8, "at most 8 in flight, was " + held.maxWaiting.get());
  }

  /** Sessions that hold every enqueue until released. */
  private static final class HeldSessions implements SessionAsks {
    final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    final AtomicInteger maxWaiting = new AtomicInteger();

    void releaseAll() {
      for (Runnable r; (r = waiting.poll()) != null; ) r.run();
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(
        SessionId session, PushMessage message, OverflowPolicy overflow, boolean idempotent) {
      CompletableFuture<EnqueueResult> reply = new CompletableFuture<>();
      waiting.add(() -> reply.complete(new EnqueueResult(message.id(), Outcome.QUEUED, 1)));
      maxWaiting.accumulateAndGet(waiting.size(), Math::max);
      return reply;
    }

    @Override
    public CompletionStage<MessageStatus> messageStatus(SessionId session, String messageId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionId session) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<SessionCommand.KickResult> kick(SessionId session) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<SessionCommand.TopicResult> changeTopic(
        SessionId session, String topic, boolean subscribe) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<SessionCommand.DeviceReply> devices(
        SessionId session, Function<ActorRef<SessionCommand.DeviceReply>, SessionCommand> command) {
      throw new UnsupportedOperationException();
    }
  }
}
