package io.pushgate.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.List;

/**
 * Lets the WebSocket load client speak the raw TCP transport (docs/protocol.md, "TCP transport"):
 * after a {@code LengthFieldBasedFrameDecoder} that strips the 4-byte length, frames of kind 1
 * (JSON) become text frames and a close frame (kind 3) closes the channel; text frames written
 * become JSON frames, a close frame a close of kind 3. The connection counts as "handshaken" once
 * it is active (or its TLS handshake is done), so the client's hello logic runs unchanged.
 */
final class TcpClientFraming extends MessageToMessageCodec<ByteBuf, WebSocketFrame> {

  private final boolean tls;

  TcpClientFraming(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    if (!tls)
      ctx.fireUserEventTriggered(
          WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    super.userEventTriggered(ctx, evt);
    if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      ctx.fireUserEventTriggered(
          WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    }
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof CloseWebSocketFrame close) { // kind 3 with the code only
      out.add(ctx.alloc().buffer(7).writeInt(3).writeByte(3).writeShort(close.statusCode()));
      return;
    }
    ByteBuf body = frame.content();
    out.add(ctx.alloc().buffer(5).writeInt(1 + body.readableBytes()).writeByte(1));
    out.add(body.retain());
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    byte kind = frame.readByte();
    if (kind == 1) {
      out.add(new TextWebSocketFrame(frame.retain()));
    } else if (kind == 3) {
      ctx.close();
    }
  }
}
