package io.pushgate.gateway.transport.tcp;

import io.pushgate.gateway.connection.SharedFrame;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * The TCP wire format (docs/protocol.md, "TCP transport"): every frame is
 *
 * <pre>
 *   length  u32, big-endian: the bytes after it (1 + body), at most 1 + max-frame-bytes
 *   kind    u8: {@link #JSON} 0x01, {@link #CBOR} 0x02, {@link #CLOSE} 0x03
 *   body    the frame: a JSON object (UTF-8), a CBOR map, or for a close u16 code + UTF-8 reason
 * </pre>
 *
 * TCP has no close frame of its own: {@link #CLOSE} carries the close code and reason that a
 * WebSocket close frame carries. Stateless and thread-safe.
 */
public final class TcpFrames {

  /** A JSON frame (the same object as a WebSocket text frame). */
  public static final byte JSON = 0x01;

  /** A CBOR frame (the same map as a WebSocket binary frame). */
  public static final byte CBOR = 0x02;

  /** A close: u16 code, then the reason in UTF-8 (at most {@link #MAX_REASON_BYTES}). */
  public static final byte CLOSE = 0x03;

  static final int HEADER_BYTES = 4;
  static final int MAX_REASON_BYTES = 123;

  private TcpFrames() {}

  /** One frame of {@code kind} around {@code body}. */
  public static ByteString frame(byte kind, byte[] body) {
    return new ByteStringBuilder()
        .putInt(1 + body.length, ByteOrder.BIG_ENDIAN)
        .putByte(kind)
        .putBytes(body)
        .result();
  }

  /** Shared frames as TCP frames, made once per frame and encoding (immutable, so shareable). */
  static final SharedFrame.Form<ByteString> SHARED =
      SharedFrame.Form.of((body, encoding) -> frame(encoding.binary() ? CBOR : JSON, body));

  /** A JSON frame of {@code json}, encoded straight into the frame. */
  public static ByteString json(String json) {
    ByteString body = ByteString.fromString(json, StandardCharsets.UTF_8);
    return new ByteStringBuilder()
        .putInt(1 + body.length(), ByteOrder.BIG_ENDIAN)
        .putByte(JSON)
        .append(body)
        .result();
  }

  /** A close frame; {@code code < 0} means none (an empty body). */
  public static ByteString close(int code, String reason) {
    if (code < 0) return frame(CLOSE, new byte[0]);
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(r.length, MAX_REASON_BYTES);
    byte[] body = new byte[2 + n];
    body[0] = (byte) (code >>> 8);
    body[1] = (byte) code;
    System.arraycopy(r, 0, body, 2, n);
    return frame(CLOSE, body);
  }

  /** The kind byte of a decoded frame (header included), or -1 if it has no kind byte. */
  static int kind(ByteString frame) {
    return frame.length() > HEADER_BYTES ? frame.apply(HEADER_BYTES) : -1;
  }

  /** The body of a decoded frame (header included). */
  static byte[] body(ByteString frame) {
    return frame.drop(HEADER_BYTES + 1).toArray();
  }

  /** The code of a decoded close frame, -1 when it has none. */
  static int closeCode(ByteString frame) {
    if (frame.length() < HEADER_BYTES + 3) return -1;
    return ((frame.apply(HEADER_BYTES + 1) & 0xff) << 8) | (frame.apply(HEADER_BYTES + 2) & 0xff);
  }
}
