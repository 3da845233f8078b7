package io.pushgate.gateway.transport.tcp;

import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.SharedFrame;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.ParseResult;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.gateway.transport.Transport;
import io.pushgate.model.SessionId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport of one client connection: one stage between Pekko Streams' TCP read and write
 * sides that frames the bytes ({@link TcpFrameReader}), runs the protocol core ({@link
 * ClientConnection}) and queues what it writes. No actor and no other stage of ours: the connection
 * is Pekko IO's connection actor, the stream's interpreter and this stage. The stage is the core's
 * executor (its async callback: one task at a time, in the interpreter).
 *
 * <p>Inbound: the next read is pulled only once every complete frame of the last one was handled,
 * so a client that sends faster than it is served is slowed down by TCP itself. A header over
 * {@code max-frame-bytes} closes with 1009 (1002 for a negative length) before its body is read.
 *
 * <p>Outbound: frames go straight to the socket's write side when it waits for one, else into a
 * queue of at most {@code outbound-frames} (allocated only when needed). From half full on the
 * connection is not writable (the core drops QoS 0 and runs its slow-consumer timer), under a
 * quarter it is writable again; when full, the connection is closed with 4002 and aborted.
 *
 * <p>Closing: the close frame goes last into the queue, after which the write side half-closes
 * (FIN); the read side keeps reading, discarding, until the client's end of stream or {@code
 * close-timeout}, after which the stage fails, which aborts the connection (the one kill switch).
 * The client's end of stream without a close frame ends the connection at once (1006). The core
 * hears of the end exactly once, when the read side ends or the stage stops.
 */
final class TcpConnection extends GraphStage<FlowShape<ByteString, ByteString>> {

  private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

  /** What the listener keeps of a connection; callable from any thread, a no-op once it ended. */
  interface Handle {
    /** Node drain: advertise reconnect after {@code afterMillis}. */
    void drain(long afterMillis, Function<SessionId, List<String>> endpointsFor);

    /** Node stop: close with 1001. */
    void goAway();
  }

  /** Hears of a connection's start and end (the listener); called in the connection's stage. */
  interface Owner {
    /** The stage started; true if the node is closing (the connection is then told to go away). */
    boolean opened(Handle connection);

    /** The stage stopped (the connection is over); once per connection that was opened. */
    void closed(Handle connection, InetSocketAddress remote);
  }

  // the ports are the same for every connection: each one's graph holds one such stage
  private static final Inlet<ByteString> in = Inlet.create("TcpConnection.in");
  private static final Outlet<ByteString> out = Outlet.create("TcpConnection.out");
  private static final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  /**
   * What every connection of a listener shares.
   *
   * @param owner told when a connection's stage starts and stops
   */
  record Shared(GatewayContext gw, TcpSettings tcp, Owner owner) {}

  private final GatewayContext gw;
  private final TcpSettings tcp;
  private final Owner owner;
  private final InetSocketAddress remote;
  private final Transport.Loop loop;

  /**
   * @param loop the loop the connection's stream runs on ({@link SharedInterpreter.Host#loop()})
   */
  TcpConnection(Shared shared, InetSocketAddress remote, Transport.Loop loop) {
    this.gw = shared.gw();
    this.tcp = shared.tcp();
    this.owner = shared.owner();
    this.remote = remote;
    this.loop = loop;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic
      implements Transport, Handle, InHandler, OutHandler {

    private final GatewaySettings settings = gw.settings();
    private final AsyncCallback<Runnable> tasks = createAsyncCallback(Runnable::run);
    private final Executor executor = tasks::invoke;
    private final TcpFrameReader reader = new TcpFrameReader(settings.maxFrameBytes());
    private ClientConnection core;
    private boolean opened;

    /** Frames the write side has not taken yet; null while none waited. */
    private ArrayDeque<ByteString> queued;

    private boolean writable = true;
    private boolean closeSent;

    /** The close frame (or the end) is queued: the write side completes once the queue is empty. */
    private boolean finishing;

    private boolean inboundEnded;
    private boolean outboundEnded;
    private boolean closedReported;
    private long lastReadNanos = System.nanoTime();

    /** The silence allowed between reads, in nanoseconds; 0 while not watched. */
    private long silenceNanos;

    private Timer silenceTimer;
    private Timer lingerTimer;

    Logic() {
      super(shape);
      setHandler(in, this);
      setHandler(out, this);
    }

    @Override
    public void preStart() {
      opened = true;
      boolean closing = owner.opened(this);
      core = new ClientConnection(gw, this);
      core.onOpen();
      pull(in);
      if (closing) core.goAway();
    }

    @Override
    public void postStop() {
      cancelTimer(silenceTimer);
      cancelTimer(lingerTimer);
      reportClosed();
      if (opened) owner.closed(this, remote);
    }

    // ---- Handle: from the listener, any thread ----

    @Override
    public void drain(long afterMillis, Function<SessionId, List<String>> endpointsFor) {
      tasks.invoke(() -> core.advertiseReconnect(afterMillis, endpointsFor));
    }

    @Override
    public void goAway() {
      tasks.invoke(() -> core.goAway());
    }

    // ---- inbound: socket -> core ----

    @Override
    public void onPush() {
      reader.append(grab(in));
      try {
        for (ByteString frame = reader.next(); frame != null; frame = reader.next()) onFrame(frame);
      } catch (TcpFrameReader.BadHeader bad) {
        log.debug("{}: {}", core.connectionLabel(), bad.getMessage());
        core.onViolation(bad.code());
        cancel(in); // a plain cancel: reading stops, the close frame still goes out
        inboundEnded();
        return;
      }
      if (!isClosed(in)) pull(in);
    }

    private void onFrame(ByteString frame) {
      lastReadNanos = System.nanoTime();
      switch (TcpFrames.kind(frame)) {
        case TcpFrames.JSON ->
            core.onFrame(FrameCodec.parse(TcpFrames.body(frame)), WireEncoding.JSON);
        case TcpFrames.CBOR ->
            core.onFrame(CborCodec.parse(TcpFrames.body(frame)), WireEncoding.CBOR);
        case TcpFrames.CLOSE -> core.onPeerClose(TcpFrames.closeCode(frame));
        default ->
            core.onFrame(
                new ParseResult.Invalid(
                    ClientErrorCode.BAD_FRAME, "unknown frame kind (1 JSON, 2 CBOR, 3 close)"),
                WireEncoding.JSON);
      }
    }

    @Override
    public void onUpstreamFinish() {
      inboundEnded();
    }

    @Override
    public void onUpstreamFailure(Throwable failure) {
      log.debug("{}: read side failed: {}", core.connectionLabel(), failure.toString());
      inboundEnded();
    }

    private void inboundEnded() {
      inboundEnded = true;
      if (!closeSent) { // end of stream (or an I/O error) without a close frame: the connection is
        // gone
        closeSent = true;
        finishOutbound();
        scheduleAbort();
      }
      reportClosed();
      stopWhenDone();
    }

    // ---- outbound: core -> socket ----

    @Override
    public void onPull() {
      if (queued == null || queued.isEmpty()) return;
      push(out, queued.poll());
      if (!writable && queued.size() <= tcp.lowWater()) {
        writable = true;
        core.onWritabilityChanged(true);
      }
      if (finishing && queued.isEmpty()) completeOutbound();
    }

    @Override
    public void onDownstreamFinish(Throwable cause) {
      // the write side failed (reset by the peer): the read side ends with the abort, if not before
      outboundEnded();
    }

    private void offer(ByteString frame) {
      if (closeSent || isClosed(out)) return;
      if (enqueue(frame)) return;
      // full: the client reads nothing of a backlog that the core did not stop (QoS 1, control
      // frames); the close frame cannot get through either, so it is reported by the core's log
      closeSent = true;
      tasks.invoke(
          () -> {
            core.onOverflow();
            failStage(new IllegalStateException("outbound queue full"));
          });
    }

    /** Writes or queues {@code frame}; false if the queue is full. */
    private boolean enqueue(ByteString frame) {
      if (isAvailable(out) && (queued == null || queued.isEmpty())) {
        push(out, frame);
        return true;
      }
      if (queued == null) queued = new ArrayDeque<>(4);
      if (queued.size() >= tcp.outboundFrames()) return false;
      queued.add(frame);
      if (writable && queued.size() >= tcp.highWater()) {
        writable = false;
        core.onWritabilityChanged(false);
      }
      return true;
    }

    /** Completes the write side once everything queued is written. */
    private void finishOutbound() {
      finishing = true;
      if (queued == null || queued.isEmpty()) completeOutbound();
    }

    private void completeOutbound() {
      if (!isClosed(out)) complete(out);
      outboundEnded();
    }

    private void outboundEnded() {
      if (outboundEnded) return;
      outboundEnded = true;
      queued = null;
      if (!inboundEnded) scheduleAbort();
      stopWhenDone();
    }

    private void stopWhenDone() {
      if (inboundEnded && outboundEnded) completeStage();
    }

    private void reportClosed() {
      if (closedReported || core == null) return; // null: the stage failed before it started
      closedReported = true;
      cancelTimer(silenceTimer);
      core.onClosed();
    }

    /** Aborts the connection (both sides) if it has not ended within {@code close-timeout}. */
    private void scheduleAbort() {
      if (lingerTimer != null) return;
      lingerTimer = schedule(settings.closeTimeout(), () -> failStage(new LingerTimeout()));
    }

    // ---- Transport ----

    @Override
    public String name() {
      return "tcp";
    }

    @Override
    public Executor executor() {
      return executor;
    }

    @Override
    public Loop loop() {
      return loop;
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      Cancellable c =
          gw.system()
              .scheduler()
              .scheduleOnce(delay, () -> tasks.invoke(task), gw.system().executionContext());
      return c::cancel;
    }

    @Override
    public void writeText(String json) {
      offer(TcpFrames.json(json));
    }

    @Override
    public void writeBytes(byte[] frame, boolean binary) {
      offer(TcpFrames.frame(binary ? TcpFrames.CBOR : TcpFrames.JSON, frame));
    }

    @Override
    public void writeShared(SharedFrame frame, WireEncoding encoding) {
      offer(frame.as(TcpFrames.SHARED, encoding));
    }

    @Override
    public boolean writable() {
      return writable;
    }

    @Override
    public void close(int code, String reason) {
      if (closeSent) return;
      closeSent = true;
      if (!isClosed(out))
        enqueue(TcpFrames.close(code, reason)); // over a full queue: the abort ends it
      finishOutbound();
      scheduleAbort();
    }

    @Override
    public void watchSilence(Duration timeout) {
      silenceNanos = Math.max(1, timeout.toNanos());
      lastReadNanos = System.nanoTime();
      silenceTimer = schedule(timeout, this::checkSilence);
    }

    private void checkSilence() {
      if (silenceNanos == 0 || closedReported) return;
      long left = silenceNanos - (System.nanoTime() - lastReadNanos);
      if (left <= 0) {
        silenceNanos = 0;
        core.onSilence();
      } else {
        silenceTimer = schedule(Duration.ofNanos(left), this::checkSilence);
      }
    }

    @Override
    public void stopWatchingSilence() {
      silenceNanos = 0;
      cancelTimer(silenceTimer);
    }

    @Override
    public String remoteLabel() {
      return String.valueOf(remote);
    }
  }

  /** The client did not end its side within close-timeout. */
  private static final class LingerTimeout extends RuntimeException {
    LingerTimeout() {
      super("close-timeout passed", null, false, false);
    }
  }

  private static void cancelTimer(Transport.Timer c) {
    if (c != null) c.cancel();
  }
}
