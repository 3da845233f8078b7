package io.pushgate.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Recorder;

/**
 * Lean WebSocket load clients on Netty: one event loop group (2 threads) carries every connection,
 * so one process holds tens of thousands of clients at a few KB each.
 *
 * <p>Each client connects, says {@code hello} with a locally signed token ({@link DemoTokens}),
 * pings every granted heartbeat interval, acks every QoS 1 push at once, and records end-to-end
 * latency from the {@code ts} (epoch millis) the sender puts into the message data. Clients are
 * spread round-robin over the target endpoints and over {@code sources} loopback source addresses
 * (127.0.0.1, 127.0.0.2, ...), since one source address has only ~28k ephemeral ports.
 *
 * <p>The process's file-descriptor limit bounds how many clients it holds (one FD each).
 */
final class WsClients implements AutoCloseable {

  /** Where and how clients connect. */
  /**
   * A topic every client subscribes to right after welcome (system property pushgate.load.topic),
   * or null.
   */
  static final String SUBSCRIBE_TOPIC = System.getProperty("pushgate.load.topic");

  /**
   * Upstream frames each client keeps in flight after welcome (system property
   * pushgate.load.upstream.inflight; 0: none).
   */
  static final int UPSTREAM_IN_FLIGHT = Integer.getInteger("pushgate.load.upstream.inflight", 0);

  /**
   * Broadcast acks at most once per this many milliseconds (system property
   * pushgate.load.bseqAckMs), one cumulative ack for every bseq received meanwhile; 0: each at
   * once.
   */
  static final long BSEQ_ACK_MS = Long.getLong("pushgate.load.bseqAckMs", 0);

  /**
   * Connect with wss:// (system property pushgate.load.tls=true), trusting any certificate: a load
   * tool, not a client.
   */
  static final SslContext TLS = tls();

  /**
   * Speak the raw TCP transport instead of WebSocket (system property pushgate.load.transport=tcp).
   */
  static final boolean TCP = "tcp".equals(System.getProperty("pushgate.load.transport"));

  private static SslContext tls() {
    if (!Boolean.getBoolean("pushgate.load.tls")) return null;
    try {
      return SslContextBuilder.forClient()
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  record Options(
      List<InetSocketAddress> targets, int sources, int heartbeatSeconds, int connectParallelism) {}

  /**
   * Source addresses for {@code clients} clients: one per 25,000 (a loopback address has ~28k
   * ports).
   */
  static int sourcesFor(int clients) {
    return Math.max(1, (clients + 24_999) / 25_000);
  }

  final LongAdder welcomed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder closedByServer = new LongAdder();
  final LongAdder pushes = new LongAdder();

  /** Pushes received per user (QoS 1 and 0), for delivery checks. */
  final ConcurrentHashMap<String, LongAdder> pushesByUser = new ConcurrentHashMap<>();

  /** Latency in ms from the sender's {@code ts} to receipt; read with getIntervalHistogram. */
  final Recorder latency = new Recorder(3_600_000L, 3);

  /** Upstream round trips answered with upack / with an error. */
  final LongAdder upacks = new LongAdder();

  final LongAdder upErrors = new LongAdder();
  private final AtomicReference<String> firstUpError = new AtomicReference<>();

  /** Upstream round-trip latency in microseconds (up sent to its answer received). */
  final Recorder upLatency = new Recorder(60_000_000L, 3);

  private final Options options;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong counter = new AtomicLong();
  private final Set<Channel> closedByUs = ConcurrentHashMap.newKeySet();

  WsClients(Options options) {
    this.options = options;
  }

  /**
   * Connects users {@code prefix+from .. prefix+(to-1)} with at most {@code connectParallelism}
   * handshakes in flight; returns once every one is welcomed or failed. The caller's thread waits
   * (a load generator's main thread, never an event loop).
   */
  void connect(String prefix, int from, int to) throws InterruptedException {
    Semaphore inFlight = new Semaphore(options.connectParallelism());
    for (int i = from; i < to; i++) {
      inFlight.acquire();
      connectOne(prefix + i, inFlight);
    }
    inFlight.acquire(options.connectParallelism());
  }

  /** Clients currently connected. */
  int openCount() {
    return open.size();
  }

  /** Closes every client with a normal close frame and waits until the sockets are closed. */
  void closeAll() throws InterruptedException {
    List<Channel> channels = List.copyOf(open);
    closedByUs.addAll(channels);
    for (Channel ch : channels) {
      ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> ch.close());
    }
    for (Channel ch : channels) ch.closeFuture().await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    open.forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void connectOne(String user, Semaphore inFlight) {
    long n = counter.getAndIncrement();
    InetSocketAddress target = options.targets().get((int) (n % options.targets().size()));
    InetSocketAddress source = new InetSocketAddress("127.0.0." + (1 + n % options.sources()), 0);
    URI uri =
        URI.create(
            (TLS != null ? "wss://" : "ws://")
                + target.getHostString()
                + ":"
                + target.getPort()
                + "/v1/ws");
    Client client = new Client(user, inFlight);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (TLS != null) {
                      ch.pipeline()
                          .addLast(
                              TLS.newHandler(ch.alloc(), target.getHostString(), target.getPort()));
                    }
                    if (TCP) {
                      ch.pipeline()
                          .addLast(new LengthFieldBasedFrameDecoder(65536 + 5, 0, 4, 0, 4))
                          .addLast(new TcpClientFraming(TLS != null))
                          .addLast(client);
                      return;
                    }
                    ch.pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(
                            new WebSocketClientProtocolHandler(
                                WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(uri)
                                    .version(WebSocketVersion.V13)
                                    .customHeaders(new DefaultHttpHeaders())
                                    .maxFramePayloadLength(65536)
                                    .handshakeTimeoutMillis(30_000)
                                    .build()))
                        .addLast(client);
                  }
                });
    ChannelFuture connect = bootstrap.connect(target, source);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) client.fail();
        });
  }

  /** One client; all state confined to its channel's event loop. */
  private final class Client extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private final String user;
    private Semaphore inFlight; // released once, at welcome or failure
    private boolean isWelcomed;
    private ScheduledFuture<?> pings; // from welcome until the channel closes

    Client(String user, Semaphore inFlight) {
      this.user = user;
      this.inFlight = inFlight;
    }

    void fail() {
      failed.increment();
      release();
    }

    /** The highest bseq received and not acked yet (0: none); confined to the channel's loop. */
    private long unackedBseq;

    private void ackBroadcast(ChannelHandlerContext ctx, long bseq) {
      if (BSEQ_ACK_MS <= 0) {
        sendBseqAck(ctx, bseq);
        return;
      }
      boolean scheduled = unackedBseq > 0;
      unackedBseq = Math.max(unackedBseq, bseq);
      if (scheduled) return;
      ctx.executor()
          .schedule(
              () -> {
                long upTo = unackedBseq;
                unackedBseq = 0;
                if (ctx.channel().isActive()) sendBseqAck(ctx, upTo);
              },
              BSEQ_ACK_MS,
              TimeUnit.MILLISECONDS);
    }

    private static void sendBseqAck(ChannelHandlerContext ctx, long upTo) {
      ctx.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ack\",\"bseq\":" + upTo + "}"));
    }

    private void release() {
      if (inFlight != null) {
        inFlight.release();
        inFlight = null;
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        ctx.writeAndFlush(
            new TextWebSocketFrame(
                "{\"t\":\"hello\",\"app\":\""
                    + DemoTokens.APP
                    + "\",\"token\":\""
                    + DemoTokens.token(user)
                    + "\",\"hb\":"
                    + options.heartbeatSeconds()
                    + "}"));
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        fail();
        ctx.close();
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      String text = frame.text();
      if (text.startsWith("{\"t\":\"push\"")) {
        pushes.increment();
        pushesByUser.computeIfAbsent(user, u -> new LongAdder()).increment();
        long ts = number(text, "\"ts\":");
        if (ts > 0) latency.recordValue(Math.max(0, System.currentTimeMillis() - ts));
        if (text.contains("\"qos\":1")) {
          if (text.contains("\"bseq\":")) {
            ackBroadcast(ctx, number(text, "\"bseq\":"));
          } else {
            ctx.writeAndFlush(
                new TextWebSocketFrame("{\"t\":\"ack\",\"seq\":" + number(text, "\"seq\":") + "}"));
          }
        }
      } else if (text.startsWith("{\"t\":\"upack\"")
          || (UPSTREAM_IN_FLIGHT > 0 && text.contains("\"id\":\"u"))) {
        // an up frame's answer: its id is the nano time it was sent at
        long sent = number(text, "\"id\":\"u");
        upLatency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1_000));
        if (text.startsWith("{\"t\":\"upack\"")) {
          upacks.increment();
        } else {
          upErrors.increment();
          if (firstUpError.compareAndSet(null, text))
            System.out.println("first upstream error: " + text);
        }
        sendUp(ctx);
      } else if (text.startsWith("{\"t\":\"welcome\"")) {
        if (SUBSCRIBE_TOPIC != null) {
          ctx.writeAndFlush(
              new TextWebSocketFrame("{\"t\":\"sub\",\"topic\":\"" + SUBSCRIBE_TOPIC + "\"}"));
        }
        isWelcomed = true;
        for (int i = 0; i < UPSTREAM_IN_FLIGHT; i++) sendUp(ctx);
        open.add(ctx.channel());
        welcomed.increment();
        release();
        long hb = Math.max(1, number(text, "\"hb\":"));
        pings =
            ctx.executor()
                .scheduleAtFixedRate(
                    () -> ctx.writeAndFlush(new TextWebSocketFrame("{\"t\":\"ping\"}")),
                    hb,
                    hb,
                    TimeUnit.SECONDS);
      }
    }

    private void sendUp(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(
          new TextWebSocketFrame(
              "{\"t\":\"up\",\"id\":\"u"
                  + System.nanoTime()
                  + "\",\"type\":\"bench\",\"data\":{\"n\":1,\"text\":\"upstream\"}}"));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (pings != null) pings.cancel(false); // else it writes to the closed channel forever
      open.remove(ctx.channel());
      if (!isWelcomed) {
        fail();
      } else if (!closedByUs.remove(ctx.channel())) {
        closedByServer.increment();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The non-negative integer after {@code key} in {@code text}, or 0. */
  static long number(String text, String key) {
    int i = text.indexOf(key);
    if (i < 0) return 0;
    long value = 0;
    for (int j = i + key.length(); j < text.length(); j++) {
      char c = text.charAt(j);
      if (c < '0' || c > '9') break;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  static List<InetSocketAddress> targets(String list) {
    return Arrays.stream(list.split(","))
        .map(
            hp -> {
              int colon = hp.lastIndexOf(':');
              return new InetSocketAddress(
                  hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
            })
        .toList();
  }
}
