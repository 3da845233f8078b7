package io.pushgate.gateway.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.SourceAccess;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.GatewayMetrics;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the aggregated HTTP requests of one client-port connection: a WebSocket upgrade on {@link
 * GatewaySettings#WEBSOCKET_PATH} turns the channel into a {@link WebSocketConnection} (if {@code
 * max-connections} allows; else 503 problem+json {@code overloaded}); any other request on that
 * path gets 400, any other path 404 (the backend API has its own port). Every answer is written at
 * once on the event loop, so pipelined requests are answered in order without a queue. A request
 * the HTTP decoder cannot parse gets 400 and a lingering close. All state is confined to the
 * channel's event loop.
 */
final class WebSocketUpgradeRouter extends ChannelInboundHandlerAdapter {

  static final String HTTP_IDLE_HANDLER = "http-idle";
  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgradeRouter.class);
  private static final int RETRY_AFTER_SECONDS = 5;

  private final GatewayContext gw;
  private final SourceAccess access;
  private final GatewaySettings settings;
  private final RequestReadDeadline deadline;
  private ChannelHandlerContext ctx;

  WebSocketUpgradeRouter(GatewayContext gw, SourceAccess access, RequestReadDeadline deadline) {
    this.gw = gw;
    this.access = access;
    this.settings = gw.settings();
    this.deadline = deadline;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    deadline.requestReceived();
    if (request.decoderResult().isFailure()) {
      request.release();
      // the decoder cannot find the next request: answer, then drain and close
      LingeringClose.respondAndClose(
          ctx.channel(),
          ProblemResponses.badRequest("malformed HTTP request"),
          settings.closeTimeout());
      return;
    }
    if (!pathOf(request.uri()).equals(GatewaySettings.WEBSOCKET_PATH)) {
      answer(
          request,
          ProblemResponses.notFound(
              "no such endpoint on the client port: clients connect to "
                  + GatewaySettings.WEBSOCKET_PATH
                  + "; the backend API is on its own port (pushgate.api.port, default 8081)"));
    } else if (isWebSocketUpgrade(request)) {
      upgrade(request);
    } else {
      answer(
          request,
          ProblemResponses.badRequest(
              "this endpoint needs a WebSocket upgrade (GET, Upgrade: websocket)"));
    }
  }

  // ---- WebSocket upgrade ----

  private static boolean isWebSocketUpgrade(FullHttpRequest request) {
    return request.method().equals(HttpMethod.GET)
        && request
            .headers()
            .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && request
            .headers()
            .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  private void upgrade(FullHttpRequest request) {
    GatewayMetrics metrics = gw.metrics();
    if (!admitSource(request)) return;
    if (!metrics.tryReserveConnection(settings.maxConnections())) {
      metrics.rejectedConnections.increment();
      request.release();
      respond(
          ProblemResponses.overloaded(
              "this node holds its maximum of " + settings.maxConnections() + " connections",
              RETRY_AFTER_SECONDS),
          false);
      return;
    }
    ctx.channel().closeFuture().addListener(f -> metrics.releaseConnection());
    var pipeline = ctx.pipeline();
    if (pipeline.get(HTTP_IDLE_HANDLER) != null) pipeline.remove(HTTP_IDLE_HANDLER);
    if (pipeline.get(RequestReadDeadline.NAME) != null) pipeline.remove(RequestReadDeadline.NAME);
    WebSocketConnection connection = new WebSocketConnection(gw);
    pipeline.addAfter(ctx.name(), "ws-pings", new PingFrameCounter(connection));
    pipeline.addAfter(
        "ws-pings", "ws-protocol", new ClientWebSocketProtocolHandler(protocolConfig()));
    pipeline.addAfter(
        "ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(settings.maxFrameBytes()));
    pipeline.addAfter("ws-aggregator", "ws-connection", connection);
    ctx.fireChannelRead(request); // the handshake handler takes it from here
    pipeline.remove(this);
  }

  /** The access policy (per source IP); answers and closes when the source is refused. */
  private boolean admitSource(FullHttpRequest request) {
    if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress source)) return true;
    SourceAccess.Refusal refusal = access.admit(source, System.nanoTime());
    if (refusal == null) {
      // only when counting, and capturing only the policy: a listener that held this router would
      // keep it, its context and the removed HTTP handlers alive as long as the connection
      if (access.tracksSources())
        ctx.channel().closeFuture().addListener(f -> access.release(source));
      return true;
    }
    gw.metrics().refusedBySource.increment();
    request.release();
    SourceAccess.Settings a = settings.access();
    respond(
        switch (refusal) {
          case DENIED ->
              ProblemResponses.forbidden("connections from this address are not allowed");
          case TOO_MANY_CONNECTIONS ->
              ProblemResponses.tooManyRequests(
                  "too_many_connections",
                  "at most " + a.maxConnectionsPerSource() + " connections per source address",
                  RETRY_AFTER_SECONDS);
          case HANDSHAKE_RATE ->
              ProblemResponses.tooManyRequests(
                  "rate_limited",
                  "at most "
                      + a.handshakeRate()
                      + " connection attempts per second per source address",
                  1);
          case TOO_MANY_SOURCES ->
              ProblemResponses.overloaded("too many source addresses at once", RETRY_AFTER_SECONDS);
        },
        false);
    return false;
  }

  private WebSocketServerProtocolConfig protocolConfig() {
    return WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(GatewaySettings.WEBSOCKET_PATH)
        .checkStartsWith(true) // allow a query string
        .handshakeTimeoutMillis(settings.handshakeTimeout().toMillis())
        .forceCloseTimeoutMillis(settings.closeTimeout().toMillis())
        // WebSocketConnection answers close frames and sends every close frame itself (one only)
        .handleCloseFrames(false)
        .dropPongFrames(true)
        // a close without an explicit close frame is an unexpected one
        .sendCloseFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR)
        .decoderConfig(
            WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameBytes())
                .allowExtensions(false)
                // the decoder only reports; WebSocketConnection sends the close frame
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build())
        .build();
  }

  private void answer(FullHttpRequest request, FullHttpResponse response) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    request.release();
    respond(response, keepAlive);
  }

  /** Writes a response; keeps the connection for the next request, or closes it after the write. */
  private void respond(FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
      deadline.responseSent();
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection error: {}", cause.toString());
    ctx.close();
  }
}
