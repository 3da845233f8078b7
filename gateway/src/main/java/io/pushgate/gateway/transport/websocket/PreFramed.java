package io.pushgate.gateway.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.pushgate.gateway.connection.SharedFrame;
import io.pushgate.gateway.protocol.WireEncoding;
import java.nio.ByteBuffer;

/**
 * Shared frames as whole WebSocket frames (RFC 6455 header and payload, unmasked as a server sends
 * them), framed once by Netty's own encoder into one direct buffer. Every connection writes a
 * {@link ByteBuf#duplicate() duplicate} of it past the WebSocket encoder, so a broadcast or live
 * push costs a connection no frame object, no encoder pass, no pooled buffer and no copy (the
 * native transport writes direct memory as it is).
 *
 * <p>The buffer is JDK direct memory (freed by the garbage collector with its frame) behind {@link
 * Unpooled#unreleasableBuffer}, so the releases that follow each write leave it intact. Only for
 * connections whose pipeline has no outbound extension (no permessage-deflate: the gateway
 * negotiates none).
 */
final class PreFramed {

  /** The {@link SharedFrame.Form} of WebSocket connections. */
  static final SharedFrame.Form<ByteBuf> WEBSOCKET = SharedFrame.Form.of(PreFramed::frame);

  private PreFramed() {}

  /** {@code payload} as one WebSocket frame: text for JSON, binary for CBOR. */
  static ByteBuf frame(byte[] payload, WireEncoding encoding) {
    EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    ByteBuf content = Unpooled.wrappedBuffer(payload);
    encoder.writeOutbound(
        encoding.binary() ? new BinaryWebSocketFrame(content) : new TextWebSocketFrame(content));
    ByteBuffer direct =
        ByteBuffer.allocateDirect(payload.length + 14); // the longest header: 2 + 8 (+ 4 if masked)
    for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
      direct.put(part.nioBuffer()); // its readable bytes
      part.release();
    }
    encoder.finishAndReleaseAll();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct.flip()));
  }
}
