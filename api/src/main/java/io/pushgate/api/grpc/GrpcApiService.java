package io.pushgate.api.grpc;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.Answer;
import io.pushgate.api.ApiCallMeters;
import io.pushgate.api.ApiProblem;
import io.pushgate.api.ApiServices;
import io.pushgate.api.ErrorCode;
import io.pushgate.api.MessageFields;
import io.pushgate.api.RequestParser;
import io.pushgate.api.TypedReplies;
import io.pushgate.api.dto.BatchSendResponse;
import io.pushgate.api.dto.SendMessageResponse;
import io.pushgate.grpc.v1.BroadcastRequest;
import io.pushgate.grpc.v1.BroadcastResponse;
import io.pushgate.grpc.v1.BroadcastStatus;
import io.pushgate.grpc.v1.DeviceRequest;
import io.pushgate.grpc.v1.Devices;
import io.pushgate.grpc.v1.GetBroadcastRequest;
import io.pushgate.grpc.v1.GetMessageStatusRequest;
import io.pushgate.grpc.v1.GetUserRequest;
import io.pushgate.grpc.v1.KickRequest;
import io.pushgate.grpc.v1.KickResponse;
import io.pushgate.grpc.v1.ListDevicesRequest;
import io.pushgate.grpc.v1.MessageStatus;
import io.pushgate.grpc.v1.MintTokenRequest;
import io.pushgate.grpc.v1.MintTokenResponse;
import io.pushgate.grpc.v1.PublishRequest;
import io.pushgate.grpc.v1.PublishResult;
import io.pushgate.grpc.v1.PublishTopicRequest;
import io.pushgate.grpc.v1.PublishTopicResponse;
import io.pushgate.grpc.v1.PushgateApiPowerApi;
import io.pushgate.grpc.v1.PutDeviceRequest;
import io.pushgate.grpc.v1.PutDeviceResponse;
import io.pushgate.grpc.v1.SendBatchRequest;
import io.pushgate.grpc.v1.SendBatchResponse;
import io.pushgate.grpc.v1.SendRequest;
import io.pushgate.grpc.v1.SendResponse;
import io.pushgate.grpc.v1.UserStatus;
import io.pushgate.grpc.v1.UserTopicRequest;
import io.pushgate.grpc.v1.UserTopics;
import io.pushgate.model.App;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The gRPC API (pushgate.proto, {@code pushgate.v1.PushgateApi}): a thin adapter over {@link
 * ApiServices}, as the HTTP routes are. Each call authenticates the app it names with the {@code
 * authorization} metadata, validates through the same {@link RequestParser} rules, runs the same
 * service and answers with the same result; failures are {@link GrpcErrors} statuses.
 *
 * <p>{@link #publish}: at most {@code maxInFlight} sends of one stream run at once; the stream is
 * not read past them (backpressure through HTTP/2 flow control). Every send gets one result, a
 * refusal included; the stream itself fails only when its transport does.
 */
public final class GrpcApiService implements PushgateApiPowerApi {

  /** Most characters of a Publish correlation id. */
  static final int MAX_CORRELATION_ID = 128;

  private static final ApiCallMeters.Transport GRPC = ApiCallMeters.Transport.GRPC;

  private final ApiServices api;
  private final int maxInFlight;

  /**
   * @param maxInFlight most sends of one Publish stream in progress ({@code
   *     pushgate.api.grpc.publish.max-in-flight})
   */
  public GrpcApiService(ApiServices api, int maxInFlight) {
    if (maxInFlight < 1) throw new IllegalArgumentException("max-in-flight must be >= 1");
    this.api = api;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public CompletionStage<SendResponse> send(SendRequest in, Metadata metadata) {
    return call(
        "send",
        () ->
            answered(sendOne(authenticate(in.getApp(), metadata), in))
                .thenApply(GrpcMessages::send));
  }

  @Override
  public CompletionStage<SendBatchResponse> sendBatch(SendBatchRequest in, Metadata metadata) {
    return call(
        "send_batch",
        () -> {
          App app = authenticate(in.getApp(), metadata);
          CompletionStage<Answer<BatchSendResponse>> answer =
              api.idempotent()
                  .run(
                      app,
                      key(in.getIdempotencyKey()),
                      hashed(in),
                      batchId ->
                          answer(
                              () ->
                                  api.messages()
                                      .sendBatch(
                                          app,
                                          api.parser()
                                              .batch(
                                                  in.getMessagesList().stream()
                                                      .map(GrpcMessages::fields)
                                                      .toList(),
                                                  app.limits()),
                                          batchId)),
                      TypedReplies.BATCH);
          return answered(answer).thenApply(GrpcMessages::batch);
        });
  }

  @Override
  public Source<PublishResult, NotUsed> publish(
      Source<PublishRequest, NotUsed> in, Metadata metadata) {
    Optional<String> authorization = metadata.getText("authorization");
    // the apps this stream proved its key for; touched only by mapAsyncUnordered's function, one at
    // a time
    Map<String, App> proven = new HashMap<>();
    return in.mapAsyncUnordered(maxInFlight, request -> publishOne(request, authorization, proven));
  }

  private CompletionStage<PublishResult> publishOne(
      PublishRequest request, Optional<String> authorization, Map<String, App> proven) {
    PublishResult.Builder result =
        PublishResult.newBuilder().setCorrelationId(request.getCorrelationId());
    CompletionStage<Answer<SendMessageResponse>> answer;
    try {
      if (request.getCorrelationId().length() > MAX_CORRELATION_ID) {
        throw ApiProblem.field(
            ErrorCode.INVALID_FIELD,
            "correlation_id",
            "\"correlation_id\" has at most " + MAX_CORRELATION_ID + " characters");
      }
      SendRequest send = request.getSend();
      App app = proven.get(send.getApp());
      if (app == null) {
        app = api.auth().authenticate(send.getApp(), authorization);
        proven.put(app.id(), app);
      }
      answer = sendOne(app, send);
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(Answer.refused(GrpcErrors.problem(e)));
    }
    return answer.thenApplyAsync(
        a -> {
          if (a.value() != null) {
            api.calls().ok(GRPC, "publish");
            return result.setSent(GrpcMessages.send(a.value())).build();
          }
          if (result.getCorrelationId().length() > MAX_CORRELATION_ID)
            result.clearCorrelationId(); // not echoed
          api.calls().failed(GRPC, "publish", a.problem().code());
          return result.setRefused(GrpcErrors.toProto(a.problem())).build();
        },
        SAME_THREAD);
  }

  /** One send, idempotent when it has a key; never a failed stage. */
  private CompletionStage<Answer<SendMessageResponse>> sendOne(App app, SendRequest in) {
    return api.idempotent()
        .run(
            app,
            key(in.getIdempotencyKey()),
            hashed(in),
            messageId ->
                answer(
                    () ->
                        api.messages()
                            .send(
                                app,
                                api.parser()
                                    .message(GrpcMessages.fields(in.getMessage()), app.limits()),
                                messageId)),
            TypedReplies.SEND);
  }

  @Override
  public CompletionStage<BroadcastResponse> broadcast(BroadcastRequest in, Metadata metadata) {
    return call(
        "broadcast",
        () -> {
          App app = authenticate(in.getApp(), metadata);
          MessageFields fields =
              new MessageFields(
                  List.of(),
                  in.hasQos() ? (long) in.getQos() : null,
                  in.hasTtl() ? in.getTtl() : null,
                  in.getData(),
                  in.hasCollapseKey() ? in.getCollapseKey() : null,
                  null);
          return api.broadcasts()
              .send(app, api.parser().broadcast(fields, app.limits()))
              .thenApply(GrpcMessages::broadcast);
        });
  }

  @Override
  public CompletionStage<BroadcastStatus> getBroadcast(GetBroadcastRequest in, Metadata metadata) {
    return call(
        "get_broadcast",
        () ->
            api.broadcasts()
                .status(authenticate(in.getApp(), metadata), in.getId())
                .thenApply(GrpcMessages::broadcastStatus));
  }

  @Override
  public CompletionStage<PublishTopicResponse> publishTopic(
      PublishTopicRequest in, Metadata metadata) {
    return call(
        "publish_topic",
        () -> {
          App app = authenticate(in.getApp(), metadata);
          String data =
              api.parser().topicMessage(in.hasQos() ? (long) in.getQos() : null, in.getData());
          return api.topics()
              .publish(app, in.getTopic(), data)
              .thenApply(GrpcMessages::topicMessage);
        });
  }

  @Override
  public CompletionStage<UserTopics> subscribeUser(UserTopicRequest in, Metadata metadata) {
    return call("subscribe_user", () -> changeTopic(in, metadata, true));
  }

  @Override
  public CompletionStage<UserTopics> unsubscribeUser(UserTopicRequest in, Metadata metadata) {
    return call("unsubscribe_user", () -> changeTopic(in, metadata, false));
  }

  private CompletionStage<UserTopics> changeTopic(
      UserTopicRequest in, Metadata metadata, boolean subscribe) {
    return api.topics()
        .change(authenticate(in.getApp(), metadata), in.getUser(), in.getTopic(), subscribe)
        .thenApply(GrpcMessages::userTopics);
  }

  @Override
  public CompletionStage<UserStatus> getUser(GetUserRequest in, Metadata metadata) {
    return call(
        "get_user",
        () ->
            api.users()
                .status(authenticate(in.getApp(), metadata), in.getUser())
                .thenApply(GrpcMessages::userStatus));
  }

  @Override
  public CompletionStage<MessageStatus> getMessageStatus(
      GetMessageStatusRequest in, Metadata metadata) {
    return call(
        "get_message_status",
        () ->
            api.users()
                .messageStatus(authenticate(in.getApp(), metadata), in.getUser(), in.getMessageId())
                .thenApply(GrpcMessages::messageStatus));
  }

  @Override
  public CompletionStage<KickResponse> kick(KickRequest in, Metadata metadata) {
    return call(
        "kick",
        () ->
            api.users()
                .kick(authenticate(in.getApp(), metadata), in.getUser())
                .thenApply(GrpcMessages::kick));
  }

  @Override
  public CompletionStage<PutDeviceResponse> putDevice(PutDeviceRequest in, Metadata metadata) {
    return call(
        "put_device",
        () ->
            api.devices()
                .put(
                    authenticate(in.getApp(), metadata),
                    in.getUser(),
                    in.getId(),
                    GrpcMessages.deviceBody(in))
                .thenApply(GrpcMessages::registered));
  }

  @Override
  public CompletionStage<Devices> removeDevice(DeviceRequest in, Metadata metadata) {
    return call(
        "remove_device",
        () ->
            api.devices()
                .remove(authenticate(in.getApp(), metadata), in.getUser(), in.getId())
                .thenApply(GrpcMessages::devices));
  }

  @Override
  public CompletionStage<Devices> listDevices(ListDevicesRequest in, Metadata metadata) {
    return call(
        "list_devices",
        () ->
            api.devices()
                .list(authenticate(in.getApp(), metadata), in.getUser())
                .thenApply(GrpcMessages::devices));
  }

  @Override
  public CompletionStage<MintTokenResponse> mintToken(MintTokenRequest in, Metadata metadata) {
    return call(
        "mint_token",
        () -> {
          App app = authenticate(in.getApp(), metadata);
          var request =
              api.parser()
                  .token(in.getUser(), in.hasTtl() ? in.getTtl() : null, in.getTopicsList());
          return CompletableFuture.completedFuture(
              GrpcMessages.token(api.tokens().issue(app, request)));
        });
  }

  private App authenticate(String app, Metadata metadata) {
    return api.auth().authenticate(app, metadata.getText("authorization"));
  }

  /**
   * The request's bytes for the idempotency hash: serialized only when it has a key (never used
   * without one).
   */
  private static byte[] hashed(SendRequest in) {
    return in.getIdempotencyKey().isEmpty() ? NO_BYTES : in.toByteArray();
  }

  private static byte[] hashed(SendBatchRequest in) {
    return in.getIdempotencyKey().isEmpty() ? NO_BYTES : in.toByteArray();
  }

  private static final byte[] NO_BYTES = new byte[0];

  private static Optional<String> key(String idempotencyKey) {
    return idempotencyKey.isEmpty() ? Optional.empty() : Optional.of(idempotencyKey);
  }

  /** A service call as an {@link Answer}: never a failed stage. */
  private static <T> CompletionStage<Answer<T>> answer(Supplier<CompletionStage<T>> work) {
    return started(work)
        .handleAsync(
            (v, e) -> e == null ? Answer.of(v) : Answer.refused(GrpcErrors.problem(e)),
            SAME_THREAD);
  }

  /** {@code work}'s stage; a throw (validation, authentication) as a failed stage. */
  private static <T> CompletionStage<T> started(Supplier<CompletionStage<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** An answer back as a value or a failed stage with its problem. */
  private static <T> CompletionStage<T> answered(CompletionStage<Answer<T>> answer) {
    return answer.thenApplyAsync(
        a -> {
          if (a.problem() != null) throw a.problem();
          return a.value();
        },
        SAME_THREAD);
  }

  /**
   * Runs one unary call: counts it, and fails it with the {@link GrpcErrors} status of its problem;
   * {@code work} may throw an {@link ApiProblem} or fail its stage with one.
   */
  private <T> CompletionStage<T> call(String operation, Supplier<CompletionStage<T>> work) {
    return started(work)
        .handleAsync(
            (value, error) -> {
              if (error == null) {
                api.calls().ok(GRPC, operation);
                return value;
              }
              ApiProblem problem = GrpcErrors.problem(error);
              api.calls().failed(GRPC, operation, problem.code());
              throw GrpcErrors.exception(problem);
            },
            SAME_THREAD);
  }
}
