package io.pushgate.api.server;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pushgate.metrics.PushgateMeters;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.TimeoutAccess;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.scaladsl.TLSPlacebo;
import org.apache.pekko.util.ByteString;

/**
 * The API port's listener: a Netty server (sockets, {@link ChannelFlow}) under Pekko HTTP's server
 * layer, composed here so the port can do what {@code Http.newServerAt(..).bind(..)} does not:
 *
 * <ul>
 *   <li>a burst of new connections waits in an accept queue of {@code backlog} (Pekko's default is
 *       100; past it the kernel drops SYNs and clients wait seconds for a retransmission);
 *   <li>past {@code max-connections}, up to {@code max-refusing-connections} more are accepted and
 *       each request on them is answered 503 {@code overloaded} with {@code Retry-After} (then
 *       closed) instead of waiting unanswered in the queue;
 *   <li>the {@link ConnectionGuard} answers slow heads (408) and garbage (400) itself, and the
 *       socket is half-closed (TCP half-close on), so the node's last answer on a connection is
 *       read by a client that is still sending rather than lost to a reset.
 * </ul>
 *
 * Every request's {@code request-timeout} answer is {@link ListenerAnswers#notAnswered()}. Stopping
 * unbinds, answers new requests 503 {@code overloaded} with {@code Connection: close}, lets
 * requests in progress finish until the deadline, ends every connection after its last answer
 * (waiting at most {@link #CLOSE_WAIT} for the peers' side, then closing what is left) and only
 * then stops the port's event loops. Thread-safe.
 */
public final class ApiListener {

  /** How long a stop waits for connections to end after their last answer before closing them. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final Channel server;
  private final EventLoopGroup group;
  private final Connections connections;

  private ApiListener(Channel server, EventLoopGroup group, Connections connections) {
    this.server = server;
    this.group = group;
    this.connections = connections;
  }

  /**
   * Binds {@code settings.host():port()} and serves each request with {@code handler} (which must
   * answer every request; a failed stage becomes Pekko's 500).
   *
   * @param answers the answers the listener gives itself (rendered by the API, which owns the
   *     problem format)
   * @return completes once bound; fails if the port cannot be bound
   */
  public static CompletionStage<ApiListener> bind(
      ActorSystem<?> system,
      ApiListenerSettings settings,
      ListenerAnswers answers,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    Materializer materializer = Materializer.matFromSystem(system);
    ApiServerMeters meters = new ApiServerMeters(PushgateMeters.get(system).registry());
    Connections connections =
        new Connections(system, settings, answers, handler, meters, materializer);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            settings.ioThreads(),
            new DefaultThreadFactory("pushgate-api-io", true),
            NioIoHandler.newFactory());
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, settings.backlog())
            .option(ChannelOption.SO_REUSEADDR, true)
            // one accept per read, so the admission below can stop accepting between two
            // connections
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1))
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object child) {
                    connections.admit(ctx.channel(), (Channel) child);
                    ctx.fireChannelRead(child);
                  }
                })
            .childOption(ChannelOption.AUTO_READ, false) // the connection's flow starts reading
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    ChannelFlow.install(channel);
                    connections.handle(channel);
                  }
                });
    CompletableFuture<ApiListener> bound = new CompletableFuture<>();
    bootstrap
        .bind(settings.host(), settings.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    bound.complete(new ApiListener(f.channel(), group, connections));
                  } else {
                    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                    bound.completeExceptionally(f.cause());
                  }
                });
    return bound;
  }

  /** The bound address (the actual port when bound to port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * Stops accepting, answers new requests 503 {@code overloaded}, gives requests in progress up to
   * {@code deadline} to finish, then ends every connection (at most {@link #CLOSE_WAIT} more) and
   * stops the event loops. Never fails.
   */
  public CompletionStage<Done> stop(Duration deadline) {
    CompletableFuture<Void> unbound = new CompletableFuture<>();
    server.close().addListener(f -> unbound.complete(null));
    return unbound
        .thenCompose(x -> connections.drain(deadline))
        .thenCompose(x -> connections.closeAll(CLOSE_WAIT))
        .thenCompose(
            drained -> {
              CompletableFuture<Done> stopped = new CompletableFuture<>();
              group
                  .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                  .addListener(f -> stopped.complete(Done.getInstance()));
              return stopped;
            });
  }

  /** The per-connection work: admission, the layers of one connection, requests in flight. */
  private static final class Connections {
    private final ApiListenerSettings settings;
    private final ListenerAnswers answers;
    private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;
    private final ApiServerMeters meters;
    private final Materializer materializer;
    private final SharedKillSwitch killSwitch = KillSwitches.shared("api-connections");
    private final org.apache.pekko.japi.Function<HttpRequest, HttpResponse> notAnswered;
    private final AtomicInteger served = new AtomicInteger();
    private static final AttributeKey<Boolean> ADMITTED =
        AttributeKey.valueOf("pushgate-api-admitted");

    /** Connections accepted past max-connections, only to be answered 503. */
    private final AtomicInteger refusingNow = new AtomicInteger();

    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> idle = new CompletableFuture<>();

    /** Every accepted connection until it closes (Netty's group drops closed channels itself). */
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private final Flow<ByteString, ByteString, NotUsed> serving;
    private final Flow<ByteString, ByteString, NotUsed> refusing;
    private volatile boolean stopping;

    Connections(
        ActorSystem<?> system,
        ApiListenerSettings settings,
        ListenerAnswers answers,
        Function<HttpRequest, CompletionStage<HttpResponse>> handler,
        ApiServerMeters meters,
        Materializer materializer) {
      this.settings = settings;
      this.answers = answers;
      this.handler = handler;
      this.meters = meters;
      this.materializer = materializer;
      this.notAnswered = request -> answers.notAnswered();
      // blueprints, built once and materialized per connection
      BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layers =
          layers(system, settings, answers, meters);
      this.serving =
          Flow.<HttpRequest>create()
              .mapAsync(settings.http().getPipeliningLimit(), this::serve)
              .join(layers);
      this.refusing =
          Flow.<HttpRequest>create()
              .map(
                  request -> {
                    request.discardEntityBytes(materializer);
                    return answers.overConnections();
                  })
              .join(layers);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layers(
        ActorSystem<?> system,
        ApiListenerSettings settings,
        ListenerAnswers answers,
        ApiServerMeters meters) {
      BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> plain =
          (BidiFlow) TLSPlacebo.apply().asJava();
      BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> http =
          Http.get(system)
              .serverLayer(settings.http(), Optional.empty(), system.classicSystem().log())
              .atop(plain)
              .atop(
                  ConnectionGuard.flow(
                      settings.requestReadTimeout(),
                      settings.lingerTimeout(),
                      guardAnswers(settings, answers),
                      meters));
      return settings
          .idleTimeout()
          .map(t -> http.atop(BidiFlow.bidirectionalIdleTimeout(t)))
          .orElse(http);
    }

    private static ConnectionGuard.Answers guardAnswers(
        ApiListenerSettings settings, ListenerAnswers answers) {
      return ConnectionGuard.Answers.render(
          answers, settings.http().getServerHeader().map(h -> h.value()).orElse("pushgate"));
    }

    /**
     * On the server's event loop, as each connection is accepted: served or refusing, and whether
     * to accept more.
     */
    void admit(Channel server, Channel channel) {
      boolean admitted = reserve();
      if (admitted) {
        meters.served();
      } else {
        meters.refused();
        refusingNow.incrementAndGet();
      }
      channel.attr(ADMITTED).set(admitted);
      open.add(channel);
      updateAccepting(server);
      channel
          .closeFuture()
          .addListener(
              f -> {
                if (admitted) {
                  served.decrementAndGet();
                  meters.closed();
                } else {
                  refusingNow.decrementAndGet();
                }
                if (stopping) {
                  if (open.isEmpty()) allClosed.complete(null);
                } else {
                  server.eventLoop().execute(() -> updateAccepting(server));
                }
              });
    }

    /** The connection's layers, once its pipeline is set up: served, or refused with 503. */
    void handle(Channel channel) {
      boolean admitted = channel.attr(ADMITTED).get();
      ChannelFlow.of(channel)
          .join(Flow.<ByteString>create().via(killSwitch.flow()).via(admitted ? serving : refusing))
          .run(materializer);
    }

    /**
     * Past {@code max-connections} served and {@code max-refusing-connections} refusing, the server
     * stops accepting (new connections wait in the backlog) until one closes. Runs on the server
     * channel's event loop (one accept per read), so no connection slips past.
     */
    private void updateAccepting(Channel server) {
      boolean full =
          served.get() >= settings.maxConnections()
              && refusingNow.get() >= settings.maxRefusingConnections();
      server.config().setAutoRead(!full);
    }

    private boolean reserve() {
      while (true) {
        int current = served.get();
        if (current >= settings.maxConnections()) return false;
        if (served.compareAndSet(current, current + 1)) return true;
      }
    }

    private CompletionStage<HttpResponse> serve(HttpRequest request) throws Exception {
      if (stopping) {
        request.discardEntityBytes(materializer);
        return CompletableFuture.completedFuture(answers.stopping());
      }
      request
          .getHeader(TimeoutAccess.class)
          .ifPresent(t -> t.timeoutAccess().updateHandler(notAnswered));
      inFlight.incrementAndGet();
      CompletionStage<HttpResponse> response;
      try {
        response = handler.apply(request);
      } catch (Exception | Error e) {
        finished();
        throw e;
      }
      // the explicit executor matters: the route's stage is a converted Scala future, whose
      // non-async continuations hop to the common pool (io.pushgate.concurrent.Continuations)
      return response.whenCompleteAsync((r, e) -> finished(), SAME_THREAD);
    }

    private void finished() {
      if (inFlight.decrementAndGet() == 0 && stopping) idle.complete(null);
    }

    /**
     * Completes once every connection has closed: the kill switch of {@link #drain} ends each after
     * its last answer (a half-close, then the close); those still open after {@code within} (a peer
     * that never closes its side) are closed. Runs before the event loops stop, so no connection's
     * last write or close is left for a loop that is gone.
     */
    CompletionStage<Void> closeAll(Duration within) {
      if (open.isEmpty()) allClosed.complete(null);
      return allClosed
          .completeOnTimeout(null, within.toMillis(), TimeUnit.MILLISECONDS)
          .thenCompose(
              x -> {
                CompletableFuture<Void> closed = new CompletableFuture<>();
                open.close().addListener(f -> closed.complete(null));
                return closed;
              });
    }

    CompletionStage<Void> drain(Duration deadline) {
      stopping = true;
      if (inFlight.get() == 0) idle.complete(null);
      return idle.completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS)
          .thenRun(killSwitch::shutdown);
    }
  }
}
