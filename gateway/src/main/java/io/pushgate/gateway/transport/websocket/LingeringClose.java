package io.pushgate.gateway.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Answers an HTTP request that must end its connection (413, 408, 400) so that the client can read
 * the answer: the response is written with {@code Connection: close}, then the output is
 * half-closed (FIN) and whatever the client still sends (the rest of a 10 MB body, say) is read and
 * discarded until the client closes or {@code linger} has passed. Closing at once, with unread
 * bytes in the socket, would send a TCP reset that can destroy the response before the client reads
 * it. Must be called on the channel's event loop.
 */
final class LingeringClose {

  private static final String DISCARD = "lingering-discard";

  private LingeringClose() {}

  static void respondAndClose(Channel channel, FullHttpResponse response, Duration linger) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (channel.pipeline().get(DISCARD) == null)
      channel.pipeline().addFirst(DISCARD, new Discard());
    halfCloseAfter(channel.writeAndFlush(response), linger);
    channel
        .config()
        .setAutoRead(true); // keep draining, even if a pipelining client had paused reads
  }

  /**
   * Once {@code lastWrite} is done: half-closes the output (FIN after everything written), or
   * closes if the write failed; and closes the channel after {@code linger} whatever the client
   * does. An EOF from the client closes the channel before that (half-closure is not enabled).
   *
   * @return the linger timer
   */
  static ScheduledFuture<?> halfCloseAfter(ChannelFuture lastWrite, Duration linger) {
    Channel channel = lastWrite.channel();
    lastWrite.addListener(
        written -> {
          if (written.isSuccess()
              && channel instanceof DuplexChannel duplex
              && channel.isActive()) {
            duplex.shutdownOutput();
          } else {
            channel.close();
          }
        });
    return channel
        .eventLoop()
        .schedule((Runnable) channel::close, linger.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Drops every inbound byte. */
  @ChannelHandler.Sharable
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
