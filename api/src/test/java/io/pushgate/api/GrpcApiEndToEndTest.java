package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.pushgate.api.grpc.GrpcApiServer;
import io.pushgate.api.grpc.GrpcApiSettings;
import io.pushgate.api.grpc.GrpcErrors;
import io.pushgate.auth.ClientTokens;
import io.pushgate.grpc.health.v1.HealthCheckRequest;
import io.pushgate.grpc.health.v1.HealthCheckResponse;
import io.pushgate.grpc.health.v1.HealthClient;
import io.pushgate.grpc.v1.BroadcastRequest;
import io.pushgate.grpc.v1.DeviceRequest;
import io.pushgate.grpc.v1.GetBroadcastRequest;
import io.pushgate.grpc.v1.GetMessageStatusRequest;
import io.pushgate.grpc.v1.GetUserRequest;
import io.pushgate.grpc.v1.KickRequest;
import io.pushgate.grpc.v1.ListDevicesRequest;
import io.pushgate.grpc.v1.Message;
import io.pushgate.grpc.v1.MintTokenRequest;
import io.pushgate.grpc.v1.MintTokenResponse;
import io.pushgate.grpc.v1.Notification;
import io.pushgate.grpc.v1.PublishRequest;
import io.pushgate.grpc.v1.PublishResult;
import io.pushgate.grpc.v1.PublishTopicRequest;
import io.pushgate.grpc.v1.PushgateApiClient;
import io.pushgate.grpc.v1.PutDeviceRequest;
import io.pushgate.grpc.v1.PutDeviceResponse;
import io.pushgate.grpc.v1.RecipientStatus;
import io.pushgate.grpc.v1.SendRequest;
import io.pushgate.grpc.v1.SendResponse;
import io.pushgate.grpc.v1.UserTopicRequest;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gRPC API over real HTTP/2 sockets, called with the generated Java client the way a backend
 * calls it, next to the HTTP API on the same services of a single-node cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcApiEndToEndTest {

  private static final App DEMO =
      new App("demo", "demo-key", "grpc-e2e-token-secret-0123456789abcdef", false);
  private static final String BEARER = "Bearer demo-key";
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private ActorTestKit testKit;
  private GrpcApiServer server;
  private PushgateApiClient client;
  private ApiTestClient http;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    testKit =
        SingleNodeTestKit.start(
            "GrpcApiEndToEndTest", "pushgate.api.grpc.max-message-bytes = " + MAX_MESSAGE_BYTES);
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiServices services =
        ApiServices.create(
            testKit.system(),
            ApiServices.Deps.of(
                testKit.system(), sessions, new AppRegistry(List.of(DEMO)), new ClientTokens()));
    http = ApiTestServer.serving(testKit.system(), new ApiRoutes(services), DEMO.apiKey());
    GrpcApiSettings settings =
        GrpcApiSettings.fromConfig(testKit.system().settings().config()).withPort(0);
    server =
        GrpcApiServer.start(
                testKit.system(), new GrpcApiServer.Deps(services, settings, Optional.empty()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    client = PushgateApiClient.create(clientSettings(), testKit.system());
  }

  private GrpcClientSettings clientSettings() {
    return GrpcClientSettings.connectToServiceAt(
            "127.0.0.1", server.localAddress().getPort(), testKit.system())
        .withTls(false);
  }

  @AfterAll
  void stop() {
    join(client.close());
    join(server.stop(Duration.ofSeconds(1)));
    testKit.shutdownTestKit();
  }

  private String freshUser() {
    return "e" + users.incrementAndGet();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }

  private static SendRequest send(String user, String data) {
    return SendRequest.newBuilder()
        .setApp("demo")
        .setMessage(Message.newBuilder().addTo(user).setData(data))
        .build();
  }

  private SendResponse sendOk(SendRequest request) {
    return join(client.send().addHeader("authorization", BEARER).invoke(request));
  }

  /** A failed call's status and the ErrorInfo in its details, as a client library reads them. */
  private record Failure(Status.Code status, String description, ErrorInfo info) {}

  private static Failure failure(CompletionStage<?> call) {
    CompletionException e = assertThrows(CompletionException.class, () -> join(call));
    StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, e.getCause());
    com.google.rpc.Status details = StatusProto.fromThrowable(status);
    assertTrue(
        details != null && details.getDetailsCount() > 0,
        "the status carries grpc-status-details-bin: " + status + " " + status.getTrailers());
    try {
      ErrorInfo info = details.getDetails(0).unpack(ErrorInfo.class);
      assertEquals(
          info.getReason(),
          status
              .getTrailers()
              .get(Metadata.Key.of(GrpcErrors.CODE_TRAILER, Metadata.ASCII_STRING_MARSHALLER)));
      return new Failure(status.getStatus().getCode(), status.getStatus().getDescription(), info);
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void everythingTheHttpApiOffersOverGrpc() {
    String user = freshUser();
    SendResponse sent = sendOk(send(user, "{\"title\":\"hi\"}"));
    assertTrue(sent.getAllAccepted());
    assertEquals(1, sent.getRecipients(0).getSeq());

    var status =
        join(
            client
                .getMessageStatus()
                .addHeader("authorization", BEARER)
                .invoke(
                    GetMessageStatusRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setMessageId(sent.getId())
                        .build()));
    assertEquals("pending", status.getStatus());
    assertEquals(1, status.getSeq());

    var topics =
        join(
            client
                .subscribeUser()
                .addHeader("authorization", BEARER)
                .invoke(
                    UserTopicRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setTopic("news")
                        .build()));
    assertEquals(List.of("news"), topics.getTopicsList());
    var userStatus =
        join(
            client
                .getUser()
                .addHeader("authorization", BEARER)
                .invoke(GetUserRequest.newBuilder().setApp("demo").setUser(user).build()));
    assertEquals(1, userStatus.getPending());
    assertFalse(userStatus.getOnline());
    assertEquals(List.of("news"), userStatus.getTopicsList());
    assertEquals(
        List.of(),
        join(client
                .unsubscribeUser()
                .addHeader("authorization", BEARER)
                .invoke(
                    UserTopicRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setTopic("news")
                        .build()))
            .getTopicsList());

    assertEquals(
        0,
        join(client
                .kick()
                .addHeader("authorization", BEARER)
                .invoke(KickRequest.newBuilder().setApp("demo").setUser(user).build()))
            .getClosed());

    var topic =
        join(
            client
                .publishTopic()
                .addHeader("authorization", BEARER)
                .invoke(
                    PublishTopicRequest.newBuilder()
                        .setApp("demo")
                        .setTopic("news")
                        .setData("\"x\"")
                        .build()));
    assertEquals("news", topic.getTopic());
    assertTrue(topic.getId().startsWith("t-"));

    var broadcast =
        join(
            client
                .broadcast()
                .addHeader("authorization", BEARER)
                .invoke(
                    BroadcastRequest.newBuilder()
                        .setApp("demo")
                        .setData("{\"b\":1}")
                        .setTtl(60)
                        .build()));
    assertEquals(1, broadcast.getQos());
    assertTrue(broadcast.hasBseq());
    var broadcastStatus =
        join(
            client
                .getBroadcast()
                .addHeader("authorization", BEARER)
                .invoke(
                    GetBroadcastRequest.newBuilder()
                        .setApp("demo")
                        .setId(broadcast.getId())
                        .build()));
    assertEquals(broadcast.getBseq(), broadcastStatus.getBseq());
    assertEquals(60, broadcastStatus.getTtl());

    MintTokenResponse token =
        join(
            client
                .mintToken()
                .addHeader("authorization", BEARER)
                .invoke(
                    MintTokenRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setTtl(600)
                        .build()));
    assertEquals(user, JWT.decode(token.getToken()).getSubject());
    assertTrue(
        Math.abs(token.getExpiresAt().getSeconds() - (System.currentTimeMillis() / 1000 + 600))
            < 30);
  }

  @Test
  void aBadKeyAndBadInputFailWithTheirStatusAndCode() {
    Failure unauthorized =
        failure(client.send().addHeader("authorization", "Bearer wrong").invoke(send("a", "1")));
    assertEquals(Status.Code.UNAUTHENTICATED, unauthorized.status());
    assertEquals("unauthorized", unauthorized.info().getReason());
    assertEquals(GrpcErrors.DOMAIN, unauthorized.info().getDomain());

    Failure noKey = failure(client.send().invoke(send("a", "1")));
    assertEquals(Status.Code.UNAUTHENTICATED, noKey.status());

    SendRequest badTtl =
        SendRequest.newBuilder()
            .setApp("demo")
            .setMessage(Message.newBuilder().addTo("a").setData("1").setTtl(99_999_999))
            .build();
    Failure invalid = failure(client.send().addHeader("authorization", BEARER).invoke(badTtl));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.status());
    assertEquals("invalid_ttl", invalid.info().getReason());
    assertEquals("ttl", invalid.info().getMetadataOrThrow("field"));
  }

  @Test
  void aMessageOverMaxMessageBytesIsRefusedBeforeItIsRead() {
    String big = "\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\"";
    Failure tooLarge =
        failure(client.send().addHeader("authorization", BEARER).invoke(send("a", big)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooLarge.status());
    assertEquals("payload_too_large", tooLarge.info().getReason());
    // the connection serves on
    assertTrue(sendOk(send(freshUser(), "1")).getAllAccepted());
  }

  /** The same bad inputs over both transports: the same code, field and detail. */
  @Test
  void httpAndGrpcRefuseTheSameBadInputsTheSameWay() {
    record Case(String json, Message.Builder proto) {}
    List<Case> cases =
        List.of(
            new Case("{\"to\":[],\"data\":1}", Message.newBuilder().setData("1")),
            new Case(
                "{\"to\":[\"a b\"],\"data\":1}", Message.newBuilder().addTo("a b").setData("1")),
            new Case(
                "{\"to\":[\"a\",\"\"],\"data\":1}",
                Message.newBuilder().addTo("a").addTo("").setData("1")),
            new Case(
                "{\"to\":[\"a\"],\"qos\":3,\"data\":1}",
                Message.newBuilder().addTo("a").setQos(3).setData("1")),
            new Case(
                "{\"to\":[\"a\"],\"ttl\":0,\"data\":1}",
                Message.newBuilder().addTo("a").setTtl(0).setData("1")),
            new Case(
                "{\"to\":[\"a\"],\"ttl\":99999999999,\"data\":1}",
                Message.newBuilder().addTo("a").setTtl(99_999_999_999L).setData("1")),
            new Case("{\"to\":[\"a\"]}", Message.newBuilder().addTo("a")),
            new Case(
                "{\"to\":[\"a\"],\"data\":null}", Message.newBuilder().addTo("a").setData("null")),
            new Case(
                "{\"to\":[\"a\"],\"qos\":0,\"collapseKey\":\"k\",\"data\":1}",
                Message.newBuilder().addTo("a").setQos(0).setCollapseKey("k").setData("1")),
            new Case(
                "{\"to\":[\"a\"],\"collapseKey\":\"\",\"data\":1}",
                Message.newBuilder().addTo("a").setCollapseKey("").setData("1")),
            new Case(
                "{\"to\":[\"a\"],\"data\":\"" + "y".repeat(5000) + "\"}",
                Message.newBuilder().addTo("a").setData("\"" + "y".repeat(5000) + "\"")));
    for (Case c : cases) {
      ApiTestClient.Reply reply = http.post("/v1/apps/demo/messages", c.json());
      Failure grpc =
          failure(
              client
                  .send()
                  .addHeader("authorization", BEARER)
                  .invoke(SendRequest.newBuilder().setApp("demo").setMessage(c.proto()).build()));
      String code = reply.json().path("code").asText();
      assertEquals(code, grpc.info().getReason(), c.json());
      assertEquals(
          GrpcErrors.status(ErrorCode.valueOf(code.toUpperCase(Locale.ROOT))),
          grpc.status(),
          c.json());
      assertEquals(
          reply.json().path("field").asText(),
          grpc.info().getMetadataOrDefault("field", ""),
          c.json());
      assertEquals(reply.json().path("detail").asText(), grpc.description(), c.json());
    }
    ApiTestClient.Reply httpToken = http.post("/v1/apps/demo/tokens", "{\"user\":\"a\",\"ttl\":0}");
    Failure grpcToken =
        failure(
            client
                .mintToken()
                .addHeader("authorization", BEARER)
                .invoke(
                    MintTokenRequest.newBuilder().setApp("demo").setUser("a").setTtl(0).build()));
    assertEquals(httpToken.json().path("code").asText(), grpcToken.info().getReason());
    assertEquals(httpToken.json().path("detail").asText(), grpcToken.description());
  }

  @Test
  void aPublishStreamAnswersEverySendInAnyOrder() {
    String user = freshUser();
    int n = 1000;
    Source<PublishRequest, NotUsed> requests =
        Source.range(0, n - 1)
            .map(
                i ->
                    PublishRequest.newBuilder()
                        .setCorrelationId("c" + i)
                        .setSend(send(user, Integer.toString(i)))
                        .build());
    List<PublishResult> results =
        join(
            client
                .publish()
                .addHeader("authorization", BEARER)
                .invoke(requests)
                .runWith(Sink.seq(), testKit.system()));
    assertEquals(n, results.size());
    assertEquals(
        IntStream.range(0, n).mapToObj(i -> "c" + i).collect(Collectors.toSet()),
        results.stream().map(PublishResult::getCorrelationId).collect(Collectors.toSet()));
    assertEquals(
        IntStream.rangeClosed(1, n).boxed().collect(Collectors.toSet()),
        results.stream()
            .map(r -> (int) r.getSent().getRecipients(0).getSeq())
            .collect(Collectors.toSet()));
  }

  /**
   * A stream cut mid-way (the client's connection closes while sends are in flight): every send
   * answered accepted is stored; the node stays up for the next stream.
   */
  @Test
  void aStreamCutMidWayLosesNothingItAccepted() {
    String user = freshUser();
    int users = 50; // few messages each: far below max-pending
    PushgateApiClient cut = PushgateApiClient.create(clientSettings(), testKit.system());
    ConcurrentLinkedQueue<PublishResult> answered = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> enough = new CompletableFuture<>();
    Source<PublishRequest, NotUsed> endless =
        Source.range(0, 1_000_000)
            .map(
                i ->
                    PublishRequest.newBuilder()
                        .setCorrelationId("c" + i)
                        .setSend(send(user + "-" + (i % users), Integer.toString(i)))
                        .build());
    cut.publish()
        .addHeader("authorization", BEARER)
        .invoke(endless)
        .runForeach(
            r -> {
              answered.add(r);
              if (answered.size() >= 200) enough.complete(null);
            },
            testKit.system());
    join(enough);
    join(cut.close()); // the connection goes, sends in flight with it
    List<PublishResult> accepted = new ArrayList<>(answered);
    assertTrue(accepted.size() >= 200);
    for (PublishResult r : accepted) {
      var recipient = r.getSent().getRecipients(0);
      assertEquals(RecipientStatus.QUEUED, recipient.getStatus(), r.getCorrelationId());
      var status =
          join(
              client
                  .getMessageStatus()
                  .addHeader("authorization", BEARER)
                  .invoke(
                      GetMessageStatusRequest.newBuilder()
                          .setApp("demo")
                          .setUser(recipient.getUser())
                          .setMessageId(r.getSent().getId())
                          .build()));
      assertEquals(
          "pending", status.getStatus(), "accepted " + r.getCorrelationId() + " is stored");
      assertEquals(recipient.getSeq(), status.getSeq());
    }
    assertTrue(
        sendOk(send(freshUser(), "\"after\"")).getAllAccepted(), "the node serves the next call");
  }

  @Test
  void healthAndReflectionAnswerAsTheStandardsSay() throws Exception {
    HealthClient health = HealthClient.create(clientSettings(), testKit.system());
    try {
      assertEquals(
          HealthCheckResponse.ServingStatus.SERVING,
          join(health.check(HealthCheckRequest.newBuilder().build())).getStatus());
      assertEquals(
          HealthCheckResponse.ServingStatus.SERVING,
          join(health.check(
                  HealthCheckRequest.newBuilder().setService("pushgate.v1.PushgateApi").build()))
              .getStatus());
      CompletionException unknown =
          assertThrows(
              CompletionException.class,
              () -> join(health.check(HealthCheckRequest.newBuilder().setService("nope").build())));
      assertEquals(
          Status.Code.NOT_FOUND,
          ((StatusRuntimeException) unknown.getCause()).getStatus().getCode());
    } finally {
      join(health.close());
    }
    // what grpcurl does first: list the services through server reflection
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.localAddress().getPort())
            .usePlaintext()
            .build();
    try {
      CompletableFuture<List<String>> services = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(channel)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                      services.complete(
                          r.getListServicesResponse().getServiceList().stream()
                              .map(s -> s.getName())
                              .toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                      services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
      List<String> names = services.get(30, TimeUnit.SECONDS);
      requests.onCompleted();
      assertTrue(
          names.containsAll(List.of("pushgate.v1.PushgateApi", "grpc.health.v1.Health")),
          names.toString());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void healthSaysNotServingOnceTheServerStops() throws Exception {
    GrpcApiSettings settings =
        GrpcApiSettings.fromConfig(testKit.system().settings().config()).withPort(0);
    ApiServices services =
        ApiServices.create(
            testKit.system(),
            ApiServices.Deps.of(
                testKit.system(),
                SessionSharding.init(testKit.system()),
                new AppRegistry(List.of(DEMO)),
                new ClientTokens()));
    GrpcApiServer other =
        GrpcApiServer.start(
                testKit.system(), new GrpcApiServer.Deps(services, settings, Optional.empty()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    HealthClient health =
        HealthClient.create(
            GrpcClientSettings.connectToServiceAt(
                    "127.0.0.1", other.localAddress().getPort(), testKit.system())
                .withTls(false),
            testKit.system());
    ConcurrentLinkedQueue<HealthCheckResponse.ServingStatus> seen = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> notServing = new CompletableFuture<>();
    health
        .watch(HealthCheckRequest.newBuilder().build())
        .runForeach(
            r -> {
              seen.add(r.getStatus());
              if (r.getStatus() == HealthCheckResponse.ServingStatus.NOT_SERVING)
                notServing.complete(null);
            },
            testKit.system());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty());
    CompletionStage<?> stopped = other.stop(Duration.ofSeconds(3));
    join(notServing);
    assertEquals(
        List.of(
            HealthCheckResponse.ServingStatus.SERVING,
            HealthCheckResponse.ServingStatus.NOT_SERVING),
        List.copyOf(seen));
    join(health.close());
    join(stopped);
  }

  @Test
  void devicesAndNotificationsAreServedAsOverHttp() {
    String user = freshUser();
    PutDeviceResponse put =
        join(
            client
                .putDevice()
                .addHeader("authorization", BEARER)
                .invoke(
                    PutDeviceRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setId("pixel")
                        .setPlatform("fcm")
                        .setToken("fcm-grpc-token-7e1d")
                        .build()));
    assertTrue(put.getCreated());
    assertEquals("\u20267e1d", put.getDevices().getDevices(0).getTokenHint());
    // the same device over HTTP
    assertEquals(
        "pixel",
        http.get("/v1/apps/demo/users/" + user + "/devices")
            .json()
            .path("devices")
            .get(0)
            .path("id")
            .asText());
    Failure tooLong =
        failure(
            client
                .putDevice()
                .addHeader("authorization", BEARER)
                .invoke(
                    PutDeviceRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setId("x")
                        .setPlatform("hms")
                        .setToken("t")
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.status());
    assertEquals("invalid_device", tooLong.info().getReason());

    SendResponse sent =
        sendOk(
            SendRequest.newBuilder()
                .setApp("demo")
                .setMessage(
                    Message.newBuilder()
                        .addTo(user)
                        .setData("1")
                        .setNotification(
                            Notification.newBuilder().setTitle("Hi").putData("k", "v")))
                .build());
    assertTrue(sent.getAllAccepted());
    Failure qos0 =
        failure(
            client
                .send()
                .addHeader("authorization", BEARER)
                .invoke(
                    SendRequest.newBuilder()
                        .setApp("demo")
                        .setMessage(
                            Message.newBuilder()
                                .addTo(user)
                                .setData("1")
                                .setQos(0)
                                .setNotification(Notification.newBuilder().setTitle("Hi")))
                        .build()));
    assertEquals("invalid_notification", qos0.info().getReason());
    assertEquals("notification", qos0.info().getMetadataMap().get("field"));

    assertEquals(
        1,
        join(client
                .listDevices()
                .addHeader("authorization", BEARER)
                .invoke(ListDevicesRequest.newBuilder().setApp("demo").setUser(user).build()))
            .getDevicesCount());
    assertEquals(
        0,
        join(client
                .removeDevice()
                .addHeader("authorization", BEARER)
                .invoke(
                    DeviceRequest.newBuilder().setApp("demo").setUser(user).setId("pixel").build()))
            .getDevicesCount());
    Failure unknown =
        failure(
            client
                .removeDevice()
                .addHeader("authorization", BEARER)
                .invoke(
                    DeviceRequest.newBuilder()
                        .setApp("demo")
                        .setUser(user)
                        .setId("pixel")
                        .build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.status());
    assertEquals("unknown_device", unknown.info().getReason());
  }
}
