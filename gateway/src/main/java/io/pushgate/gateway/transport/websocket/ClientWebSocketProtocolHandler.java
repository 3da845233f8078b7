package io.pushgate.gateway.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Netty's server protocol handler (handshake, pings, the close frame before a close), with one
 * change: a corrupt frame (framing error, invalid UTF-8, oversize, bad close code) is passed on to
 * {@link WebSocketConnection}, which sends the one close frame (1002/1007/1009) and then closes
 * gracefully, instead of this handler closing at once. With {@code closeOnProtocolViolation} off in
 * the decoder config and {@code handleCloseFrames} off, the connection sends every close frame
 * itself, so there is never a second one.
 */
final class ClientWebSocketProtocolHandler extends WebSocketServerProtocolHandler {

  ClientWebSocketProtocolHandler(WebSocketServerProtocolConfig config) {
    super(config);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof CorruptedWebSocketFrameException) {
      ctx.fireExceptionCaught(cause);
    } else {
      super.exceptionCaught(ctx, cause);
    }
  }
}
