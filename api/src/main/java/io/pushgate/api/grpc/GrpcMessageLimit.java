package io.pushgate.api.grpc;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Bounds the messages of a gRPC request body: passes its bytes through unchanged while every
 * message's length prefix (a flag byte, then a 4-byte big-endian length; the gRPC over HTTP/2
 * framing) is at most {@code maxMessageBytes}. At the first larger one it fails downstream with
 * {@link TooLarge} before that message is buffered, and reads and drops the rest of the body, so
 * the call is answered with a status instead of a reset stream. Holds at most 4 header bytes.
 */
final class GrpcMessageLimit extends GraphStage<FlowShape<ByteString, ByteString>> {

  /** A request message over the limit. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long length, int max) {
      super(
          "a request message of "
              + length
              + " bytes; at most "
              + max
              + " are allowed (pushgate.api.grpc.max-message-bytes)",
          null,
          false,
          false);
    }
  }

  private static final int PREFIX = 5;

  private final int maxMessageBytes;
  private final Inlet<ByteString> in = Inlet.create("GrpcMessageLimit.in");
  private final Outlet<ByteString> out = Outlet.create("GrpcMessageLimit.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  GrpcMessageLimit(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      /** Bytes of the current message's prefix seen so far (0..4), or -1 while in its body. */
      private int prefixSeen;

      private long length;

      /** Body bytes of the current message still to come. */
      private long remaining;

      private boolean draining;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                if (draining) {
                  pull(in);
                  return;
                }
                long tooLarge = scan(chunk);
                if (tooLarge >= 0) {
                  draining = true;
                  fail(out, new TooLarge(tooLarge, maxMessageBytes));
                  pull(in);
                  return;
                }
                push(out, chunk);
              }

              @Override
              public void onUpstreamFinish() {
                if (draining) completeStage();
                else complete(out);
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                if (!draining) cancelStage(cause);
              }
            });
      }

      /** Walks the chunk's framing; the length of a message over the limit, or -1. */
      private long scan(ByteString chunk) {
        int i = 0;
        int n = chunk.size();
        while (i < n) {
          if (remaining > 0) {
            long skip = Math.min(remaining, n - i);
            remaining -= skip;
            i += (int) skip;
            continue;
          }
          if (prefixSeen > 0)
            length = (length << 8) | (chunk.apply(i) & 0xff); // byte 0 is the flag
          prefixSeen++;
          i++;
          if (prefixSeen == PREFIX) {
            if (length > maxMessageBytes) return length;
            remaining = length;
            prefixSeen = 0;
            length = 0;
          }
        }
        return -1;
      }
    };
  }
}
