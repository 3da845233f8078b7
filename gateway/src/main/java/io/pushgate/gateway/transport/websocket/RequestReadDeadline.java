package io.pushgate.gateway.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgate.gateway.connection.GatewayMetrics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadline for reading one HTTP request: armed by the first byte of a request (before the HTTP
 * codec, so a head sent one byte at a time counts), disarmed by {@link WebSocketUpgradeRouter} when
 * the whole request has arrived, re-armed by the next request's first byte after the response. When
 * it passes, the client gets 408 problem+json {@code request_timeout} and the connection is closed
 * ({@link LingeringClose}). Confined to the channel's event loop.
 */
final class RequestReadDeadline extends ChannelInboundHandlerAdapter {

  static final String NAME = "http-read-deadline";

  private final Duration timeout;
  private final Duration linger;
  private final GatewayMetrics metrics;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;

  /** Between a whole request and its response: bytes read then belong to a pipelined request. */
  private boolean serving;

  private boolean expired;

  RequestReadDeadline(Duration timeout, Duration linger, GatewayMetrics metrics) {
    this.timeout = timeout;
    this.linger = linger;
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null && !serving && !expired) {
      timer = ctx.executor().schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** A whole request has arrived. */
  void requestReceived() {
    serving = true;
    cancel();
  }

  /** Its response was written; the next byte starts the next request's deadline. */
  void responseSent() {
    serving = false;
  }

  private void expire() {
    timer = null;
    if (serving || !ctx.channel().isActive()) return;
    expired = true;
    metrics.httpRequestTimeouts.increment();
    LingeringClose.respondAndClose(
        ctx.channel(),
        ProblemResponses.requestTimeout(
            "the request did not arrive within " + timeout.toMillis() + " ms"),
        linger);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }
}
