package io.pushgate.gateway.transport.tcp;

import io.pushgate.gateway.protocol.CloseCode;
import org.apache.pekko.util.ByteString;

/**
 * Splits one connection's byte stream into {@link TcpFrames} frames (header included). Holds at
 * most one incomplete frame plus the chunk that completed it: a header is checked as soon as its
 * four bytes are in, before any of its body is kept, so an oversize frame is refused without
 * buffering it. An idle reader holds no bytes (the shared empty {@code ByteString}).
 *
 * <p>Not thread-safe: one per connection, used from the connection's stage only.
 */
final class TcpFrameReader {

  /** A header that can never become a frame: the connection is closed with {@link #code()}. */
  static final class BadHeader extends Exception {
    private final transient CloseCode code;

    BadHeader(CloseCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    CloseCode code() {
      return code;
    }
  }

  private final long maxLength;
  private ByteString buffered = ByteString.emptyByteString();

  /**
   * @param maxFrameBytes the largest body ({@code pushgate.gateway.max-frame-bytes}); the kind byte
   *     comes on top
   */
  TcpFrameReader(int maxFrameBytes) {
    this.maxLength = 1L + maxFrameBytes;
  }

  void append(ByteString bytes) {
    buffered = buffered.isEmpty() ? bytes : buffered.concat(bytes);
  }

  /**
   * The next complete frame, or null until more bytes come.
   *
   * @throws BadHeader for a length over {@code 1 + max-frame-bytes} (close 1009) or with the top
   *     bit set (negative as the signed 32-bit length of the wire format; close 1002)
   */
  ByteString next() throws BadHeader {
    if (buffered.length() < TcpFrames.HEADER_BYTES) return waitForMore();
    int length =
        (buffered.apply(0) & 0xff) << 24
            | (buffered.apply(1) & 0xff) << 16
            | (buffered.apply(2) & 0xff) << 8
            | (buffered.apply(3) & 0xff);
    if (length < 0)
      throw new BadHeader(
          CloseCode.WEBSOCKET_PROTOCOL_ERROR, "frame header announces a negative length");
    if (length > maxLength) {
      throw new BadHeader(
          CloseCode.MESSAGE_TOO_BIG,
          "frame of " + length + " bytes over the limit of " + maxLength);
    }
    int frameBytes = TcpFrames.HEADER_BYTES + length;
    if (buffered.length() < frameBytes) return waitForMore();
    ByteString frame = buffered.take(frameBytes);
    buffered =
        buffered.length() == frameBytes ? ByteString.emptyByteString() : buffered.drop(frameBytes);
    return frame;
  }

  /**
   * Keeps only the incomplete frame's bytes across reads, not the read buffer's chunk around them.
   */
  private ByteString waitForMore() {
    if (!buffered.isCompact()) buffered = buffered.compact();
    return null;
  }
}
