package io.pushgate.gateway.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.ReloadingTls;
import io.pushgate.gateway.SourceAccess;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.model.SessionId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Pipeline of a new connection: idle timeout, request read deadline, HTTP codec, bounded
 * aggregator, upgrade router. The router replaces the HTTP part with the WebSocket handlers on an
 * upgrade.
 */
public final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {

  private final GatewayContext gw;
  private final ChannelGroup channels;
  private final ReloadingTls tls;
  private final SourceAccess access;

  /**
   * @param channels every accepted channel joins it (for drain and graceful stop)
   * @param tls the client ports' TLS (each new connection takes its current context), or null
   * @param access the access policy at the door, shared with the TCP listener
   */
  public GatewayChannelInitializer(
      GatewayContext gw, ChannelGroup channels, ReloadingTls tls, SourceAccess access) {
    this.gw = gw;
    this.channels = channels;
    this.tls = tls;
    this.access = access;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    GatewaySettings settings = gw.settings();
    channels.add(ch);
    RequestReadDeadline deadline =
        new RequestReadDeadline(
            settings.httpRequestReadTimeout(), settings.closeTimeout(), gw.metrics());
    if (tls != null) {
      SslHandler handler = tls.current().newHandler(ch.alloc());
      handler.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
      ch.pipeline().addLast("tls", handler);
    }
    ch.pipeline()
        .addLast(
            WebSocketUpgradeRouter.HTTP_IDLE_HANDLER,
            new IdleStateHandler(
                0, 0, settings.httpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast(RequestReadDeadline.NAME, deadline)
        .addLast("http-codec", new HttpServerCodec())
        .addLast(
            "http-aggregator",
            new BoundedHttpAggregator(settings.maxHttpBodyBytes(), settings.closeTimeout()))
        .addLast("http-router", new WebSocketUpgradeRouter(gw, access, deadline));
  }

  /**
   * Node drain: WebSocket clients are told to reconnect elsewhere after {@code afterMillis}; plain
   * HTTP connections (no request is ever in progress there) are closed. Must run on the event loop.
   */
  public static void drain(
      Channel ch, long afterMillis, Function<SessionId, List<String>> endpointsFor) {
    WebSocketConnection ws = ch.pipeline().get(WebSocketConnection.class);
    if (ws != null) {
      ws.advertiseReconnect(afterMillis, endpointsFor);
    } else {
      shutdown(ch);
    }
  }

  /**
   * Graceful stop of one accepted channel: WebSocket connections get close 1001, plain HTTP
   * connections are closed. Must run on the channel's event loop.
   */
  public static void shutdown(Channel ch) {
    WebSocketConnection ws = ch.pipeline().get(WebSocketConnection.class);
    if (ws != null) {
      ws.goAway();
      return;
    }
    ch.close();
  }
}
