package io.pushgate.gateway.transport.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.pushgate.gateway.protocol.WireEncoding;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pre-framed shared frame is the WebSocket frame a client decodes (every header length of RFC
 * 6455: 7-bit, 16-bit, 64-bit), and survives being written to many channels.
 */
class PreFramedTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 65_535, 65_536, 70_000})
  void aClientDecodesTheFrameItWasGiven(int size) {
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    for (WireEncoding encoding : WireEncoding.values()) {
      ByteBuf framed = PreFramed.frame(payload, encoding);
      assertTrue(framed.isDirect(), "direct memory: written without a copy");
      WebSocketFrame decoded = decode(framed.duplicate());
      Class<? extends WebSocketFrame> kind =
          encoding.binary() ? BinaryWebSocketFrame.class : TextWebSocketFrame.class;
      assertInstanceOf(kind, decoded);
      assertArrayEquals(payload, ByteBufUtil.getBytes(decoded.content()));
      decoded.release();
    }
  }

  /**
   * Each write releases its duplicate; the shared frame must stay whole for the next connection.
   */
  @ParameterizedTest
  @ValueSource(ints = {10, 300})
  void manyChannelsWriteTheSameFrame(int size) {
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'y');
    ByteBuf framed = PreFramed.frame(payload, WireEncoding.JSON);
    int readable = framed.readableBytes();
    for (int i = 0; i < 100; i++) {
      // the server's pipeline: the WebSocket encoder passes bytes through untouched
      EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
      channel.writeAndFlush(framed.duplicate(), channel.voidPromise());
      ByteBuf written = channel.readOutbound();
      WebSocketFrame decoded = decode(written);
      assertArrayEquals(payload, ByteBufUtil.getBytes(decoded.content()), "write " + i);
      decoded.release();
      channel.finishAndReleaseAll();
    }
    assertEquals(readable, framed.readableBytes(), "the shared frame's indices are untouched");
    assertEquals('y', framed.getByte(readable - 1));
  }

  private static WebSocketFrame decode(ByteBuf bytes) {
    EmbeddedChannel client =
        new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    client.writeInbound(bytes);
    WebSocketFrame frame = client.readInbound();
    client.finishAndReleaseAll();
    return frame;
  }
}
