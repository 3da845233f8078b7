package io.pushgate.gateway.transport.websocket;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.SharedFrame;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.gateway.transport.Transport;
import io.pushgate.model.SessionId;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport of one client connection (Netty): adapts the channel to the protocol
 * core, {@link ClientConnection}. Text frames are JSON, binary frames CBOR; WebSocket close frames
 * carry the close codes; Netty's idle handler watches for silence, its writability for slow
 * consumers.
 *
 * <p>Threading: confined to the channel's event loop, which is the core's executor.
 */
public final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame>
    implements Transport {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
  private static final String HEARTBEAT_HANDLER = "heartbeat";

  private final GatewaySettings settings;
  private final ClientConnection core;
  private ChannelHandlerContext ctx;

  /** Closes the channel if the client does not complete the closing handshake in time. */
  private ScheduledFuture<?> lingerTimer;

  public WebSocketConnection(GatewayContext gw) {
    super(WebSocketFrame.class, true);
    this.settings = gw.settings();
    this.core = new ClientConnection(gw, this);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---- inbound: Netty -> core ----

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      core.onOpen();
    } else if (evt instanceof IdleStateEvent) {
      core.onSilence();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame close) {
      // Netty's decoder has rejected invalid codes and reasons already (1002/1007, exceptionCaught)
      core.onPeerClose(close.statusCode());
    } else if (frame instanceof TextWebSocketFrame text) {
      core.onFrame(FrameCodec.parse(text.text()), WireEncoding.JSON);
    } else if (frame instanceof BinaryWebSocketFrame binary) {
      core.onFrame(CborCodec.parse(ByteBufUtil.getBytes(binary.content())), WireEncoding.CBOR);
    }
    // pong frames (if any reach here) only count as liveness, which the idle handler saw already
  }

  /**
   * A WebSocket ping control frame (answered by Netty's protocol handler): see {@link
   * ClientConnection#onProbe()}.
   */
  boolean onPingFrame() {
    return core.onProbe();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    core.onWritabilityChanged(ctx.channel().isWritable());
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel(lingerTimer);
    core.onClosed();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      // framing error, invalid UTF-8, oversize frame or bad close frame: Netty's decoder only
      // reports
      log.debug("{}: {}", core.connectionLabel(), cause.getMessage());
      core.onViolation(CloseCode.forViolation(corrupt.closeStatus().code()));
    } else if (cause instanceof TooLongFrameException) {
      core.onViolation(CloseCode.MESSAGE_TOO_BIG); // a fragmented message over max-frame-bytes
    } else if (cause instanceof CorruptedFrameException) {
      core.onViolation(
          CloseCode.WEBSOCKET_PROTOCOL_ERROR); // e.g. a continuation frame without a start
    } else if (cause instanceof IOException) {
      log.debug("{}: I/O error: {}", core.connectionLabel(), cause.toString());
      ctx.channel().close();
    } else if (cause instanceof PrematureChannelClosureException) {
      // the client went away in the middle of a fragmented message: normal for phones, not an error
      log.debug("{}: closed in the middle of a message", core.connectionLabel());
      ctx.channel().close();
    } else {
      log.warn("{}: unexpected error, closing with 1011", core.connectionLabel(), cause);
      core.onViolation(CloseCode.INTERNAL_ERROR);
    }
  }

  // ---- node drain and stop (on the event loop) ----

  /** See {@link ClientConnection#advertiseReconnect}. Must run on the event loop. */
  public void advertiseReconnect(long afterMillis, Function<SessionId, List<String>> endpointsFor) {
    core.advertiseReconnect(afterMillis, endpointsFor);
  }

  /** Graceful stop of the node: close with 1001. Must run on the event loop. */
  public ChannelFuture goAway() {
    core.goAway();
    return ctx.channel().closeFuture();
  }

  // ---- Transport: core -> Netty ----

  @Override
  public String name() {
    return "websocket";
  }

  @Override
  public Executor executor() {
    return ctx.executor();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> f = ctx.executor().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void writeText(String json) {
    ctx.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), json)));
  }

  @Override
  public void writeBytes(byte[] frame, boolean binary) {
    ctx.writeAndFlush(
        binary
            ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame))
            : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
  }

  /**
   * A broadcast or live push: its frame, framed once per node, written as it is (see {@link
   * PreFramed}). With a void promise: a failed write (the socket went away) reaches {@link
   * #exceptionCaught} as an I/O error, which closes the channel; the core writes no shared frame
   * once it is closing.
   */
  @Override
  public void writeShared(SharedFrame frame, WireEncoding encoding) {
    ctx.writeAndFlush(frame.as(PreFramed.WEBSOCKET, encoding).duplicate(), ctx.voidPromise());
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  /**
   * Writes the one close frame, half-closes (FIN) once it is written, and leaves the channel open
   * until the client closes its side (EOF closes the channel) or {@code close-timeout} passes,
   * reading and discarding whatever the client still sends. Never closes with unread client bytes
   * while the client is expected to close: that would be a reset, which can destroy frames not yet
   * delivered, the close frame among them.
   */
  @Override
  public void close(int code, String reason) {
    CloseWebSocketFrame frame =
        code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, reason);
    lingerTimer = LingeringClose.halfCloseAfter(ctx.writeAndFlush(frame), settings.closeTimeout());
  }

  @Override
  public void watchSilence(Duration timeout) {
    ctx.pipeline()
        .addFirst(
            HEARTBEAT_HANDLER,
            new IdleStateHandler(false, timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
  }

  @Override
  public void stopWatchingSilence() {
    if (ctx.pipeline().get(HEARTBEAT_HANDLER) != null) ctx.pipeline().remove(HEARTBEAT_HANDLER);
  }

  @Override
  public String remoteLabel() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) timer.cancel(false);
  }
}
