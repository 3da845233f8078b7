package io.pushgate.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.pushgate.grpc.v1.Message;
import io.pushgate.grpc.v1.PublishRequest;
import io.pushgate.grpc.v1.PublishResult;
import io.pushgate.grpc.v1.SendRequest;
import io.pushgate.grpc.v1.SendResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The gRPC counterpart of {@code gatling/wrk/send.lua}: sends to random users {@code
 * <PREFIX>0..USERS-1} with the send time in the data, keeping CONC sends in flight for SECS, and
 * prints the same {@code SENDER requests=...} line. Plain grpc-java with the API's generated
 * messages, as a Java backend calls it.
 *
 * <pre>
 *   GrpcSender HOST PORT PREFIX USERS QOS CONC SECS unary|stream
 * </pre>
 *
 * unary: CONC concurrent {@code Send} calls, each followed by the next (a closed model, as wrk's
 * connections); stream: one {@code Publish} stream with CONC sends in flight, each result followed
 * by the next send.
 */
public final class GrpcSender {

  private static final String SERVICE = "pushgate.v1.PushgateApi";
  private static final MethodDescriptor<SendRequest, SendResponse> SEND =
      MethodDescriptor.<SendRequest, SendResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Send"))
          .setRequestMarshaller(ProtoUtils.marshaller(SendRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(SendResponse.getDefaultInstance()))
          .build();
  private static final MethodDescriptor<PublishRequest, PublishResult> PUBLISH =
      MethodDescriptor.<PublishRequest, PublishResult>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Publish"))
          .setRequestMarshaller(ProtoUtils.marshaller(PublishRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(PublishResult.getDefaultInstance()))
          .build();

  private final String prefix;
  private final int users;
  private final int qos;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Recorder latency = new Recorder(3);

  private GrpcSender(String prefix, int users, int qos) {
    this.prefix = prefix;
    this.users = users;
    this.qos = qos;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: GrpcSender HOST PORT PREFIX USERS QOS CONC SECS unary|stream");
      System.exit(2);
    }
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(args[0], Integer.parseInt(args[1])).usePlaintext().build();
    Metadata auth = new Metadata();
    auth.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer demo-api-key");
    Channel authorized =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(auth));
    GrpcSender sender =
        new GrpcSender(args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    int conc = Integer.parseInt(args[5]);
    long secs = Long.parseLong(args[6]);
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(secs);
    if (args[7].equals("stream")) sender.stream(authorized, conc, deadline);
    else sender.unary(authorized, conc, deadline);
    double elapsed = (System.nanoTime() - start) / 1e9;
    var h = sender.latency.getIntervalHistogram();
    System.out.printf(
        "SENDER requests=%d rps=%.0f errors(connect,read,write,status,timeout)=0,0,0,%d,0 latencyMs p50=%.1f p99=%.1f%n",
        sender.done.get(),
        sender.done.get() / elapsed,
        sender.refused.get(),
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(99) / 1e3);
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  private SendRequest request() {
    String user = prefix + ThreadLocalRandom.current().nextInt(users);
    return SendRequest.newBuilder()
        .setApp("demo")
        .setMessage(
            Message.newBuilder()
                .addTo(user)
                .setQos(qos)
                .setData("{\"ts\":" + System.currentTimeMillis() + "}"))
        .build();
  }

  private void unary(Channel channel, int conc, long deadline) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(conc);
    for (int i = 0; i < conc; i++) next(channel, deadline, finished);
    finished.await();
  }

  /** One unary send; on its answer, the next until the deadline. */
  private void next(Channel channel, long deadline, CountDownLatch finished) {
    if (System.nanoTime() >= deadline) {
      finished.countDown();
      return;
    }
    long sent = System.nanoTime();
    ClientCalls.asyncUnaryCall(
        channel.newCall(SEND, CallOptions.DEFAULT),
        request(),
        new StreamObserver<>() {
          @Override
          public void onNext(SendResponse response) {
            if (!response.getAllAccepted()) refused.incrementAndGet();
          }

          @Override
          public void onError(Throwable t) {
            refused.incrementAndGet();
            answered(sent);
            next(channel, deadline, finished);
          }

          @Override
          public void onCompleted() {
            answered(sent);
            next(channel, deadline, finished);
          }
        });
  }

  private void answered(long sentNanos) {
    done.incrementAndGet();
    latency.recordValue(Math.max(0, (System.nanoTime() - sentNanos) / 1000));
  }

  private void stream(Channel channel, int conc, long deadline) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    long[] sentAt = new long[conc];
    Object lock = new Object();
    StreamObserver<PublishRequest>[] requests = new StreamObserver[1];
    boolean[] half = new boolean[1];
    StreamObserver<PublishResult> results =
        new StreamObserver<>() {
          @Override
          public void onNext(PublishResult result) {
            int slot = Integer.parseInt(result.getCorrelationId());
            if (result.hasRefused() || !result.getSent().getAllAccepted())
              refused.incrementAndGet();
            answered(sentAt[slot]);
            synchronized (lock) {
              if (half[0]) return;
              if (System.nanoTime() < deadline) {
                sentAt[slot] = System.nanoTime();
                requests[0].onNext(
                    PublishRequest.newBuilder()
                        .setCorrelationId(result.getCorrelationId())
                        .setSend(request())
                        .build());
              } else {
                half[0] = true;
                requests[0].onCompleted();
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            System.err.println("stream failed: " + t);
            closed.countDown();
          }

          @Override
          public void onCompleted() {
            closed.countDown();
          }
        };
    synchronized (lock) {
      requests[0] =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(PUBLISH, CallOptions.DEFAULT), results);
      for (int slot = 0; slot < conc; slot++) {
        sentAt[slot] = System.nanoTime();
        requests[0].onNext(
            PublishRequest.newBuilder()
                .setCorrelationId(Integer.toString(slot))
                .setSend(request())
                .build());
      }
    }
    closed.await();
  }
}
