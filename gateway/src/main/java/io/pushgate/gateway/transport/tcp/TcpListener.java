package io.pushgate.gateway.transport.tcp;

import io.netty.buffer.ByteBufAllocator;
import io.pushgate.gateway.DrainSettings;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.ReloadingTls;
import io.pushgate.gateway.SourceAccess;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.GatewayMetrics;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.model.SessionId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.KillSwitch;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw TCP client port (Pekko Streams {@code Tcp.bind}, half-close on): admits each connection
 * through the access policy and {@code max-connections} (counted together with the WebSocket port),
 * then hands it to its own {@link TcpConnection} stage. A refused connection gets one close frame
 * ({@link CloseCode#FORBIDDEN}, {@link CloseCode#TRY_AGAIN_LATER}) and is closed after {@code
 * close-timeout} at the latest.
 *
 * <p>With {@code pushgate.gateway.tls} enabled the port speaks TLS (Pekko's TLS stage, the engine
 * from the same certificate as the WebSocket port). Thread-safe. Open connections are tracked for
 * drain and stop (bounded by max-connections).
 */
public final class TcpListener {

  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

  private final GatewayContext gw;
  private final GatewaySettings settings;
  private final TcpSettings tcp;
  private final SourceAccess access;
  private final Materializer mat;
  private final Set<TcpConnection.Handle> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Done> allClosed = new CompletableFuture<>();
  private final List<SharedInterpreter.Host> hosts = new ArrayList<>();
  private final List<KillSwitch> hostSwitches = new ArrayList<>();

  /** The host of the next connection (round robin); touched only by {@link #accept}. */
  private int nextHost;

  private volatile boolean closing;
  private Tcp.ServerBinding binding;

  /** Hears of each connection's start and end. */
  private final TcpConnection.Owner owner =
      new TcpConnection.Owner() {
        @Override
        public boolean opened(TcpConnection.Handle connection) {
          connections.add(connection);
          return closing;
        }

        @Override
        public void closed(TcpConnection.Handle connection, InetSocketAddress remote) {
          release(remote);
          connections.remove(connection);
          if (closing && connections.isEmpty()) allClosed.complete(Done.getInstance());
        }
      };

  private final TcpConnection.Shared shared;

  private TcpListener(GatewayContext gw, TcpSettings tcp, SourceAccess access) {
    this.gw = gw;
    this.settings = gw.settings();
    this.tcp = tcp;
    this.access = access;
    this.mat = Materializer.matFromSystem(gw.system());
    this.shared = new TcpConnection.Shared(gw, tcp, owner);
    for (int i = 0; i < tcp.interpreters(); i++) {
      var started =
          Source.never()
              .viaMat(KillSwitches.single(), Keep.right())
              .toMat(new SharedInterpreter(gw.system()), Keep.both())
              .run(mat);
      hostSwitches.add(started.first());
      hosts.add(started.second());
    }
  }

  /**
   * Binds {@code pushgate.gateway.tcp.host:port}; completes once bound, fails if binding fails.
   *
   * @param tls the client ports' TLS context ({@code pushgate.gateway.tls}), or null for plaintext
   */
  public static CompletionStage<TcpListener> start(
      GatewayContext gw, TcpSettings tcp, SourceAccess access, ReloadingTls tls) {
    TcpListener listener = new TcpListener(gw, tcp, access);
    List<Inet.SocketOption> options = List.of(TcpSO.tcpNoDelay(true), TcpSO.keepAlive(true));
    Tcp tcpExt = Tcp.get(gw.system());
    int backlog = gw.settings().backlog();
    // TLS: half-closed like plaintext (Pekko's TLS binding does so); the read side's cancel (an
    // oversize frame) must not end the session before the close frame is out: ignoreCancel
    var connections =
        tls == null
            ? tcpExt.bind(tcp.host(), tcp.port(), backlog, options, true, Optional.empty())
            : tcpExt.bindWithTls(
                tcp.host(),
                tcp.port(),
                () -> tls.current().newEngine(ByteBufAllocator.DEFAULT),
                backlog,
                options,
                Optional.empty(),
                session -> Optional.empty(),
                org.apache.pekko.stream.IgnoreCancel$.MODULE$);
    return connections
        .to(Sink.foreach(listener::accept))
        .run(listener.mat)
        .thenApply(
            bound -> {
              listener.binding = bound;
              log.info("gateway TCP listening on {}", bound.localAddress());
              return listener;
            });
  }

  /** The bound address (the actual port when configured with port 0). */
  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  private void accept(Tcp.IncomingConnection connection) {
    GatewayMetrics metrics = gw.metrics();
    InetSocketAddress source = connection.remoteAddress();
    SourceAccess.Refusal refusal = access.admit(source, System.nanoTime());
    if (refusal != null) {
      metrics.refusedBySource.increment();
      refuse(
          connection,
          refusal == SourceAccess.Refusal.DENIED ? CloseCode.FORBIDDEN : CloseCode.TRY_AGAIN_LATER,
          switch (refusal) {
            case DENIED -> "forbidden";
            case TOO_MANY_CONNECTIONS -> "too_many_connections";
            case HANDSHAKE_RATE -> "rate_limited";
            case TOO_MANY_SOURCES -> "overloaded";
          });
      return;
    }
    if (closing || !metrics.tryReserveConnection(settings.maxConnections())) {
      access.release(source);
      metrics.rejectedConnections.increment();
      refuse(
          connection,
          closing ? CloseCode.GOING_AWAY : CloseCode.TRY_AGAIN_LATER,
          closing ? "going_away" : "overloaded");
      return;
    }
    SharedInterpreter.Host host = hosts.get(nextHost);
    nextHost = (nextHost + 1) % hosts.size();
    TcpConnection stage = new TcpConnection(shared, source, host.loop());
    host.run(m -> connection.flow().join(stage).run(m), () -> release(source));
  }

  /** Gives back what {@link #accept} reserved for a connection. */
  private void release(InetSocketAddress source) {
    gw.metrics().releaseConnection();
    access.release(source);
  }

  /**
   * Writes one close frame and ends the connection: at the client's end of stream or after
   * close-timeout.
   */
  private void refuse(Tcp.IncomingConnection connection, CloseCode code, String reason) {
    Sink<ByteString, ?> discard =
        Flow.<ByteString>create().takeWithin(settings.closeTimeout()).to(Sink.ignore());
    connection.handleWith(
        Flow.fromSinkAndSource(discard, Source.single(TcpFrames.close(code.code(), reason))), mat);
  }

  /**
   * Stops accepting, tells every connection past hello to reconnect elsewhere after a delay spread
   * over {@code drain.spread()} (others are closed with 1001), and completes when all have closed
   * or after {@code drain.total()}. Never fails.
   */
  public CompletionStage<Done> drain(
      DrainSettings drain, Function<SessionId, List<String>> endpointsFor) {
    return unbind()
        .thenCompose(
            unbound -> {
              List<TcpConnection.Handle> open = new ArrayList<>(connections);
              Collections.shuffle(open);
              long spreadMillis = drain.spread().toMillis();
              for (int i = 0; i < open.size(); i++) {
                long after = open.size() == 1 ? 0 : spreadMillis * i / open.size();
                open.get(i).drain(after, endpointsFor);
              }
              return whenAllClosed(drain.total());
            });
  }

  /**
   * Stops accepting, closes every connection with 1001, completes when all closed or after {@code
   * timeout}.
   */
  public CompletionStage<Done> stop(Duration timeout) {
    return unbind()
        .thenCompose(
            unbound -> {
              connections.forEach(TcpConnection.Handle::goAway);
              return whenAllClosed(timeout);
            });
  }

  private CompletionStage<Done> unbind() {
    closing = true;
    if (connections.isEmpty()) allClosed.complete(Done.getInstance());
    return binding.unbind().handle((done, failure) -> Done.getInstance());
  }

  /** Completes when every connection closed or after {@code timeout}; then ends the hosts. */
  private CompletionStage<Done> whenAllClosed(Duration timeout) {
    return allClosed
        .copy()
        .completeOnTimeout(Done.getInstance(), timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            done -> {
              hostSwitches.forEach(KillSwitch::shutdown);
              return done;
            });
  }
}
