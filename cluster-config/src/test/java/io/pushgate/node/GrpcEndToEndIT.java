package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.pushgate.grpc.v1.Message;
import io.pushgate.grpc.v1.SendRequest;
import io.pushgate.grpc.v1.SendResponse;
import io.pushgate.testsupport.WsTestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runnable node serves the gRPC API next to the HTTP API: a backend sends over gRPC (plain
 * grpc-java with the generated messages) and the user's WebSocket client gets the message.
 */
class GrpcEndToEndIT extends SingleNodeFixture {

  private static final MethodDescriptor<SendRequest, SendResponse> SEND =
      MethodDescriptor.<SendRequest, SendResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("pushgate.v1.PushgateApi/Send")
          .setRequestMarshaller(ProtoUtils.marshaller(SendRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(SendResponse.getDefaultInstance()))
          .build();

  @Test
  void aMessageSentOverGrpcReachesTheUsersClient() throws Exception {
    String user = SingleNodeEndToEndIT.newUser();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcAddress().getPort())
            .usePlaintext()
            .build();
    Metadata auth = new Metadata();
    auth.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + API_KEY);
    try (WsTestClient client = WsTestClient.connectAndHello(hostPort, APP, api.token(APP, user))) {
      SendResponse sent =
          ClientCalls.blockingUnaryCall(
              ClientInterceptors.intercept(
                  channel, MetadataUtils.newAttachHeadersInterceptor(auth)),
              SEND,
              CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
              SendRequest.newBuilder()
                  .setApp(APP)
                  .setMessage(Message.newBuilder().addTo(user).setData("{\"text\":\"over grpc\"}"))
                  .build());
      assertTrue(sent.getAllAccepted());
      JsonNode push = client.next("push");
      assertEquals(sent.getId(), push.path("id").asText());
      assertEquals(sent.getRecipients(0).getSeq(), push.path("seq").asLong());
      assertEquals("over grpc", push.path("data").path("text").asText());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
