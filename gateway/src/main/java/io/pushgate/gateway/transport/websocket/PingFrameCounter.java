package io.pushgate.gateway.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;

/**
 * Sits before Netty's WebSocket protocol handler, which answers ping control frames itself so that
 * they never reach {@link WebSocketConnection}: tells the connection about each ping, so pings cost
 * inbound-rate tokens like any other frame, and drops the pings that must not be answered (after
 * the close frame, or over the limit). Passes everything else on unchanged.
 */
final class PingFrameCounter extends ChannelInboundHandlerAdapter {

  private final WebSocketConnection connection;

  PingFrameCounter(WebSocketConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping && !connection.onPingFrame()) {
      ping.release();
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
