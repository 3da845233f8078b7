package io.pushgate.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.GatewayMetrics;
import io.pushgate.gateway.transport.tcp.TcpListener;
import io.pushgate.gateway.transport.tcp.TcpSettings;
import io.pushgate.gateway.transport.websocket.GatewayChannelInitializer;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.SessionId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client listeners: WebSockets on {@code /v1/ws} (Netty; other HTTP requests get 404
 * problem+json, the backend API has its own port) and, when enabled, raw TCP on its own port
 * ({@link TcpListener}, Pekko Streams); both speak the protocol of docs/protocol.md.
 *
 * <p>Settings come from {@code pushgate.gateway} (see reference.conf). Thread-safe.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewaySettings settings;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ChannelGroup channels;
  private final GatewayMetrics metrics;
  private final Channel serverChannel;

  /** What the server started beside its sockets (router, live fan-out): closed with it. */
  private final GatewayContext gw;

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();

  /** The client ports' TLS, or null for plaintext. */
  private final ReloadingTls tls;

  private final Cancellable tlsReload;

  /** The raw TCP port, or null when pushgate.gateway.tcp.enabled is off. */
  private final TcpListener tcp;

  private GatewayServer(
      GatewaySettings settings,
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      ChannelGroup channels,
      GatewayMetrics metrics,
      Channel serverChannel,
      GatewayContext gw,
      ReloadingTls tls,
      Cancellable tlsReload,
      TcpListener tcp) {
    this.settings = settings;
    this.acceptor = acceptor;
    this.workers = workers;
    this.channels = channels;
    this.metrics = metrics;
    this.serverChannel = serverChannel;
    this.gw = gw;
    this.tls = tls;
    this.tlsReload = tlsReload;
    this.tcp = tcp;
  }

  /**
   * Binds {@code pushgate.gateway.host:port} (and the TCP port when enabled) and serves until
   * {@link #stop()}: the one entry point; {@code deps} holds what it takes from the node.
   *
   * @return completes once bound, or fails if binding fails
   */
  public static CompletionStage<GatewayServer> start(ActorSystem<?> system, GatewayDeps deps) {
    GatewaySettings settings = deps.settings();
    GatewayMetrics metrics = new GatewayMetrics(PushgateMeters.get(system).registry());
    ChannelGroup channels =
        new DefaultChannelGroup("pushgate-gateway", GlobalEventExecutor.INSTANCE);
    GatewayContext gw = GatewayContext.create(system, deps, metrics);
    ReloadingTls tls = ReloadingTls.fromConfig(system.settings().config()).orElse(null);
    SourceAccess access = new SourceAccess(settings.access());
    IoTransport io = settings.ioTransport().resolve();
    EventLoopGroup acceptor = io.group(1, "pushgate-accept");
    EventLoopGroup workers = io.group(settings.ioThreads(), "pushgate-io");
    log.info("gateway socket I/O: {}", io);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(io.serverChannel())
            .option(ChannelOption.SO_BACKLOG, settings.backlog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(
                    settings.writeBufferLowWaterMark(), settings.writeBufferHighWaterMark()))
            .childHandler(new GatewayChannelInitializer(gw, channels, tls, access));
    CompletableFuture<GatewayServer> started = new CompletableFuture<>();
    bootstrap
        .bind(settings.host(), settings.port())
        .addListener(
            f -> {
              ChannelFuture bound = (ChannelFuture) f;
              if (bound.isSuccess()) {
                log.info("gateway listening on {}", bound.channel().localAddress());
                TcpSettings tcpSettings = TcpSettings.fromConfig(system.settings().config());
                CompletionStage<TcpListener> tcp =
                    tcpSettings.enabled()
                        ? TcpListener.start(gw, tcpSettings, access, tls)
                        : CompletableFuture.completedFuture(null);
                tcp.whenComplete(
                    (listener, failure) -> {
                      if (failure != null) {
                        bound.channel().close();
                        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                        gw.close();
                        started.completeExceptionally(failure);
                      } else {
                        started.complete(
                            new GatewayServer(
                                settings,
                                acceptor,
                                workers,
                                channels,
                                metrics,
                                bound.channel(),
                                gw,
                                tls,
                                scheduleTlsReload(system, tls),
                                listener));
                      }
                    });
              } else {
                acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                gw.close();
                started.completeExceptionally(bound.cause());
              }
            });
    return started;
  }

  /** True if the client ports speak TLS (clients connect with wss://). */
  public boolean tls() {
    return tls != null;
  }

  /**
   * Loads the TLS files again if they changed (what {@code tls.reload-interval} does on its own);
   * blocking file I/O: not on an event loop or actor.
   *
   * @return true if new connections now get a new certificate
   */
  public boolean reloadTls() {
    return tls != null && tls.reloadIfChanged();
  }

  /**
   * Checks the TLS files every {@code pushgate.gateway.tls.reload-interval} (0: never) on the
   * blocking dispatcher.
   */
  private static Cancellable scheduleTlsReload(ActorSystem<?> system, ReloadingTls tls) {
    Duration every = system.settings().config().getDuration("pushgate.gateway.tls.reload-interval");
    if (tls == null || every.isZero()) return Cancellable.alreadyCancelled();
    var blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    return system.scheduler().scheduleWithFixedDelay(every, every, tls::reloadIfChanged, blocking);
  }

  /** The WebSocket port's bound address (the actual port when configured with port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The TCP port's bound address, if pushgate.gateway.tcp is enabled. */
  public Optional<InetSocketAddress> tcpAddress() {
    return Optional.ofNullable(tcp).map(TcpListener::localAddress);
  }

  /** Counters of this server. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /**
   * Graceful drain before {@link #stop()}: stops accepting connections, tells every client past
   * hello to reconnect to {@code endpointsFor(its session)} after a delay spread evenly over {@code
   * settings.spread()} (clients that have not said hello are closed with 1001), and completes when
   * every connection has closed or after {@code settings.total()}. Never fails.
   */
  public CompletionStage<Done> drain(
      DrainSettings settings, Function<SessionId, List<String>> endpointsFor) {
    CompletionStage<Done> tcpDrained =
        tcp == null
            ? CompletableFuture.completedFuture(Done.getInstance())
            : tcp.drain(settings, endpointsFor);
    return drainWebSockets(settings, endpointsFor)
        .thenCombine(tcpDrained, (a, b) -> Done.getInstance());
  }

  private CompletionStage<Done> drainWebSockets(
      DrainSettings settings, Function<SessionId, List<String>> endpointsFor) {
    CompletableFuture<Done> drained = new CompletableFuture<>();
    serverChannel
        .close()
        .addListener(
            closed -> {
              List<Channel> open = new ArrayList<>(channels);
              log.info("gateway draining {} connections over {}", open.size(), settings.spread());
              Collections.shuffle(open);
              long spreadMillis = settings.spread().toMillis();
              for (int i = 0; i < open.size(); i++) {
                Channel ch = open.get(i);
                long after = open.size() == 1 ? 0 : spreadMillis * i / open.size();
                ch.eventLoop()
                    .execute(() -> GatewayChannelInitializer.drain(ch, after, endpointsFor));
              }
              channels.newCloseFuture().addListener(f -> drained.complete(Done.getInstance()));
              drained.completeOnTimeout(
                  Done.getInstance(), settings.total().toMillis(), TimeUnit.MILLISECONDS);
            });
    return drained;
  }

  /**
   * Stops accepting, closes every WebSocket with 1001 (going away) and every HTTP connection after
   * its response in progress, waits up to {@code stop-timeout} for them to close, then releases the
   * event loops. Idempotent.
   */
  public CompletionStage<Done> stop() {
    if (!stopping.compareAndSet(false, true)) return stopped;
    CompletionStage<Done> tcpStopped =
        tcp == null
            ? CompletableFuture.completedFuture(Done.getInstance())
            : tcp.stop(settings.stopTimeout());
    serverChannel
        .close()
        .addListener(
            closed -> {
              int open = channels.size();
              if (open > 0) log.info("gateway stopping: closing {} connections", open);
              CompletableFuture<Void> allClosed = new CompletableFuture<>();
              channels.newCloseFuture().addListener(f -> allClosed.complete(null));
              for (Channel ch : channels) {
                ch.eventLoop().execute(() -> GatewayChannelInitializer.shutdown(ch));
              }
              allClosed
                  .completeOnTimeout(null, settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)
                  .thenCombine(tcpStopped, (a, b) -> Done.getInstance())
                  .whenComplete((v, e) -> releaseEventLoops());
            });
    return stopped;
  }

  private void releaseEventLoops() {
    tlsReload.cancel();
    channels.close(); // whatever is left after stop-timeout
    gw.close();
    Future<?> a = acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    a.addListener(fa -> w.addListener(fw -> stopped.complete(Done.getInstance())));
  }
}
