package io.pushgate.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link GrpcMessageLimit} over gRPC framing cut into chunks anywhere. */
class GrpcMessageLimitTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ByteString frame(int length) {
    ByteStringBuilder b = new ByteStringBuilder();
    b.putByte((byte) 0);
    b.putInt(length, ByteOrder.BIG_ENDIAN);
    b.putBytes(new byte[length]);
    return b.result();
  }

  /** The bytes cut at random places, the prefix included. */
  private static List<ByteString> chunks(ByteString bytes, Random random) {
    List<ByteString> chunks = new ArrayList<>();
    int at = 0;
    while (at < bytes.size()) {
      int n = Math.min(bytes.size() - at, 1 + random.nextInt(7));
      chunks.add(bytes.slice(at, at + n));
      at += n;
    }
    return chunks;
  }

  private static ByteString run(List<ByteString> chunks, int max, AtomicInteger read) {
    return Source.from(chunks)
        .map(
            c -> {
              read.incrementAndGet();
              return c;
            })
        .via(Flow.fromGraph(new GrpcMessageLimit(max)))
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
        .toCompletableFuture()
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  @Test
  void messagesUpToTheLimitPassUnchangedWhereverTheChunksAreCut() {
    Random random = new Random(7);
    ByteString body =
        frame(0).concat(frame(10)).concat(frame(100)).concat(frame(3)).concat(frame(100));
    for (int i = 0; i < 50; i++) {
      assertEquals(body, run(chunks(body, random), 100, new AtomicInteger()));
    }
  }

  @Test
  void aLargerMessageFailsWithTooLargeAndTheRestIsReadAndDropped() {
    ByteString body = frame(10).concat(frame(101)).concat(frame(5));
    List<ByteString> chunks = chunks(body, new Random(3));
    AtomicInteger read = new AtomicInteger();
    CompletionException e = assertThrows(CompletionException.class, () -> run(chunks, 100, read));
    assertInstanceOf(GrpcMessageLimit.TooLarge.class, e.getCause());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read.get() == chunks.size());
  }
}
