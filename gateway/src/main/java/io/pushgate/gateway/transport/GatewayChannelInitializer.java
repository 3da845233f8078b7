package io.pushgate.gateway.transport;

import io.pushgate.model.SessionId;
import java.util.List;
import java.util.function.Function;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.pushgate.gateway.GatewaySettings;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline of a new connection: idle timeout, request read deadline, HTTP codec, bounded
 * aggregator, router. The router
 * replaces the HTTP part with the WebSocket handlers on an upgrade.
 */
public final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {

  private final GatewayContext gw;

  public GatewayChannelInitializer(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    GatewaySettings settings = gw.settings();
    gw.channels().add(ch);
    ch.pipeline()
        .addLast(
            HttpRequestRouter.HTTP_IDLE_HANDLER,
            new IdleStateHandler(0, 0, settings.httpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast(
            RequestReadDeadline.NAME,
            new RequestReadDeadline(settings.httpRequestReadTimeout(), settings.closeTimeout(), gw.metrics()))
        .addLast("http-codec", new HttpServerCodec())
        .addLast("http-aggregator", new BoundedHttpAggregator(settings.maxHttpBodyBytes(), settings.closeTimeout()))
        .addLast("http-router", new HttpRequestRouter(gw));
  }

  /**
   * Starts the graceful close of one accepted channel: WebSocket connections get close 1001,
   * HTTP connections close after the response in progress. Must run on the channel's event loop.
   */
  /**
   * Node drain: WebSocket clients are told to reconnect elsewhere after {@code afterMillis};
   * HTTP connections are closed after their response in progress. Must run on the event loop.
   */
  public static void drain(Channel ch, long afterMillis, Function<SessionId, List<String>> endpointsFor) {
    WebSocketConnection ws = ch.pipeline().get(WebSocketConnection.class);
    if (ws != null) {
      ws.advertiseReconnect(afterMillis, endpointsFor);
    } else {
      shutdown(ch);
    }
  }

  public static void shutdown(Channel ch) {
    WebSocketConnection ws = ch.pipeline().get(WebSocketConnection.class);
    if (ws != null) {
      ws.goAway();
      return;
    }
    HttpRequestRouter http = ch.pipeline().get(HttpRequestRouter.class);
    if (http != null) {
      http.shutdown();
    } else {
      ch.close();
    }
  }
}
