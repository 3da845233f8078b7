package io.pushgate.gateway.transport;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.http.HttpFallback;
import io.pushgate.gateway.http.SimpleHttpRequest;
import io.pushgate.gateway.http.SimpleHttpResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the aggregated HTTP requests of one connection: a WebSocket upgrade on
 * {@link GatewaySettings#WEBSOCKET_PATH} turns the channel into a {@link WebSocketConnection}
 * (if {@code max-connections} allows; else 503 problem+json); everything else goes to the
 * {@link HttpFallback} (404 problem+json if there is none).
 *
 * <p>One request at a time per connection: pipelined requests wait in a small queue, so
 * responses keep request order, and reading pauses while any wait (TCP backpressure). Reading is
 * not paused for a client that sends one request at a time: toggling it costs two
 * {@code epoll_ctl} calls per request. A fallback
 * that does not answer within {@code http-request-timeout} gets 503 unavailable. All state is
 * confined to the channel's event loop.
 */
final class HttpRequestRouter extends ChannelInboundHandlerAdapter {

  static final String HTTP_IDLE_HANDLER = "http-idle";
  private static final Logger log = LoggerFactory.getLogger(HttpRequestRouter.class);
  /** Pipelined requests held while one is in flight; more closes the connection. */
  private static final int MAX_QUEUED_REQUESTS = 16;
  private static final int RETRY_AFTER_SECONDS = 5;

  private final GatewayContext gw;
  private final GatewaySettings settings;
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean inFlight;
  private long requestCounter;
  private ScheduledFuture<?> requestTimer;
  private boolean closeWhenIdle;

  HttpRequestRouter(GatewayContext gw) {
    this.gw = gw;
    this.settings = gw.settings();
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
    RequestReadDeadline deadline = ctx.pipeline().get(RequestReadDeadline.class);
    if (deadline != null) deadline.requestReceived();
    if (inFlight) {
      if (queued.size() >= MAX_QUEUED_REQUESTS) {
        request.release();
        ctx.close();
        return;
      }
      queued.add(request);
      // a pipelining client: stop reading until the queue drains (TCP backpressure)
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatch(request);
  }

  private void dispatch(FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      request.release();
      queued.forEach(FullHttpRequest::release);
      queued.clear();
      // the decoder cannot find the next request: answer, then drain and close
      LingeringClose.respondAndClose(ctx.channel(), ProblemResponses.badRequest("malformed HTTP request"), settings.closeTimeout());
      return;
    }
    String path = pathOf(request.uri());
    if (path.equals(GatewaySettings.WEBSOCKET_PATH)) {
      if (isWebSocketUpgrade(request)) {
        upgrade(request);
      } else {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.release();
        respond(ProblemResponses.badRequest("this endpoint needs a WebSocket upgrade (GET, Upgrade: websocket)"), keepAlive);
      }
      return;
    }
    HttpFallback fallback = gw.fallback();
    if (fallback == null) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      request.release();
      respond(ProblemResponses.notFound("no such endpoint"), keepAlive);
      return;
    }
    callFallback(fallback, request);
  }

  // ---- WebSocket upgrade ----

  private static boolean isWebSocketUpgrade(FullHttpRequest request) {
    return request.method().equals(HttpMethod.GET)
        && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  private void upgrade(FullHttpRequest request) {
    GatewayMetrics metrics = gw.metrics();
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
    pipeline.addAfter("ws-pings", "ws-protocol", new ClientWebSocketProtocolHandler(protocolConfig()));
    pipeline.addAfter("ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(settings.maxFrameBytes()));
    pipeline.addAfter("ws-aggregator", "ws-connection", connection);
    queued.forEach(FullHttpRequest::release); // nothing may follow an upgrade request
    queued.clear();
    ctx.channel().config().setAutoRead(true);
    ctx.fireChannelRead(request); // the handshake handler takes it from here
    pipeline.remove(this);
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

  // ---- fallback ----

  private void callFallback(HttpFallback fallback, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    SimpleHttpRequest simple;
    try {
      simple = toSimple(request);
    } finally {
      request.release();
    }
    inFlight = true;
    long requestId = ++requestCounter;
    requestTimer =
        ctx.executor()
            .schedule(
                () -> {
                  if (inFlight && requestCounter == requestId) {
                    log.warn("HTTP fallback did not answer {} {} within {}", simple.method(), simple.uri(), settings.httpRequestTimeout());
                    finish(ProblemResponses.unavailable("the request took too long"), false);
                  }
                },
                settings.httpRequestTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    CompletionStage<SimpleHttpResponse> stage;
    try {
      stage = fallback.handle(simple);
      if (stage == null) throw new IllegalStateException("HttpFallback returned null");
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenCompleteAsync(
        (response, error) -> {
          try {
            ctx.executor().execute(() -> onFallbackDone(requestId, response, error, keepAlive));
          } catch (RejectedExecutionException e) {
            log.debug("event loop gone; dropping HTTP response");
          }
        },
        SAME_THREAD);
  }

  private void onFallbackDone(long requestId, SimpleHttpResponse response, Throwable error, boolean keepAlive) {
    if (!inFlight || requestCounter != requestId) return; // timed out already
    FullHttpResponse out;
    if (error != null || response == null) {
      log.warn("HTTP fallback failed", error);
      out = ProblemResponses.internalError();
    } else {
      try {
        out = toNetty(response);
      } catch (RuntimeException e) {
        log.warn("HTTP fallback produced an invalid response", e);
        out = ProblemResponses.internalError();
      }
    }
    finish(out, keepAlive);
  }

  private void finish(FullHttpResponse response, boolean keepAlive) {
    inFlight = false;
    if (requestTimer != null) requestTimer.cancel(false);
    respond(response, keepAlive);
  }

  /**
   * Writes a response; then either serves the next queued request (keep-alive) or closes the
   * connection.
   */
  private void respond(FullHttpResponse response, boolean keepAlive) {
    boolean keep = keepAlive && !closeWhenIdle;
    HttpUtil.setKeepAlive(response, keep);
    if (keep) {
      ctx.writeAndFlush(response);
      FullHttpRequest next = queued.poll();
      RequestReadDeadline deadline = ctx.pipeline().get(RequestReadDeadline.class);
      if (next == null && deadline != null) deadline.responseSent();
      if (next != null) {
        dispatch(next);
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      queued.forEach(FullHttpRequest::release);
      queued.clear();
    }
  }

  private SimpleHttpRequest toSimple(FullHttpRequest request) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
    request.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
    byte[] body = ByteBufUtil.getBytes(request.content());
    return new SimpleHttpRequest(request.method().name(), request.uri(), headers, body, remoteAddress());
  }

  private String remoteAddress() {
    SocketAddress address = ctx.channel().remoteAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  private static FullHttpResponse toNetty(SimpleHttpResponse response) {
    byte[] body = response.body() == null ? new byte[0] : response.body();
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(body));
    if (response.headers() != null) {
      for (Map.Entry<String, String> h : response.headers()) out.headers().add(h.getKey(), h.getValue());
    }
    if (response.contentType() != null) out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return out;
  }

  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  // ---- idle and stop ----

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (!inFlight) ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  /** Graceful stop: close now, or after the response in progress. Must run on the event loop. */
  void shutdown() {
    if (inFlight) {
      closeWhenIdle = true;
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    queued.forEach(FullHttpRequest::release);
    queued.clear();
    if (requestTimer != null) requestTimer.cancel(false);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection error: {}", cause.toString());
    ctx.close();
  }
}
