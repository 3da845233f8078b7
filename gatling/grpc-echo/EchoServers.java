// Not compiled by Maven: ./bench grpc-echo compiles and runs it (docs/benchmarks.md, "The gRPC API").
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.MethodDescriptor;
import io.pushgate.grpc.v1.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.javadsl.Source;

/** Transport floors: a Publish that answers each send at once, on Pekko gRPC (pekko-http HTTP/2) or grpc-java (Netty). */
public final class EchoServers {
  static PublishResult answer(PublishRequest r) {
    return PublishResult.newBuilder().setCorrelationId(r.getCorrelationId())
        .setSent(SendResponse.newBuilder().setId("x").setAllAccepted(true)
            .addRecipients(Recipient.newBuilder().setUser(r.getSend().getMessage().getTo(0)).setStatus(RecipientStatus.OFFLINE)))
        .build();
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("pekko")) {
      var config = com.typesafe.config.ConfigFactory.parseString(
          "pekko.http.server.enable-http2 = on\npekko.http.server.parsing.max-content-length = infinite\npekko.http.server.socket-options.tcp-no-delay = on")
          .withFallback(com.typesafe.config.ConfigFactory.load());
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "echo", config);
      PushgateApiPowerApi impl = new PushgateApiPowerApi() {
        public Source<PublishResult, NotUsed> publish(Source<PublishRequest, NotUsed> in, Metadata m) {
          return in.mapAsyncUnordered(64, r -> CompletableFuture.completedFuture(answer(r)));
        }
        public CompletionStage<SendResponse> send(SendRequest in, Metadata m) { return CompletableFuture.completedFuture(SendResponse.newBuilder().setAllAccepted(true).build()); }
        public CompletionStage<SendBatchResponse> sendBatch(SendBatchRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<BroadcastResponse> broadcast(BroadcastRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<BroadcastStatus> getBroadcast(GetBroadcastRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<PublishTopicResponse> publishTopic(PublishTopicRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<UserTopics> subscribeUser(UserTopicRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<UserTopics> unsubscribeUser(UserTopicRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<UserStatus> getUser(GetUserRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<MessageStatus> getMessageStatus(GetMessageStatusRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<KickResponse> kick(KickRequest in, Metadata m) { throw new UnsupportedOperationException(); }
        public CompletionStage<MintTokenResponse> mintToken(MintTokenRequest in, Metadata m) { throw new UnsupportedOperationException(); }
      };
      Http.get(system).newServerAt("127.0.0.1", 9083).bind(PushgateApiPowerApiHandlerFactory.create(impl, system)).toCompletableFuture().get();
      System.out.println("listening pekko");
    } else {
      MethodDescriptor<PublishRequest, PublishResult> publish = MethodDescriptor.<PublishRequest, PublishResult>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("pushgate.v1.PushgateApi/Publish")
          .setRequestMarshaller(ProtoUtils.marshaller(PublishRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(PublishResult.getDefaultInstance())).build();
      ServerServiceDefinition service = ServerServiceDefinition.builder("pushgate.v1.PushgateApi")
          .addMethod(publish, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<PublishRequest>() {
            public void onNext(PublishRequest r) { out.onNext(answer(r)); }
            public void onError(Throwable t) {}
            public void onCompleted() { out.onCompleted(); }
          })).build();
      io.grpc.Server server = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(9083).addService(service)
          .directExecutor().build().start();
      System.out.println("listening grpc-java");
      server.awaitTermination();
    }
  }
}
