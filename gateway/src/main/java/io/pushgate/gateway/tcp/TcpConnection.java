package io.pushgate.gateway.tcp;

import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.SharedFrame;
import io.pushgate.gateway.connection.Transport;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.ParseResult;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.model.SessionId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.DeadLetterSuppression;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.scaladsl.Framing;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport of one client connection (Pekko Streams): an actor that owns the protocol
 * core ({@link ClientConnection}) and the connection's stream, and is the core's executor (its
 * mailbox runs one task at a time).
 *
 * <p>Inbound: {@code Tcp} bytes → {@link TcpFrames#decoder} ({@code Framing.lengthField}, max
 * frame size enforced) → {@link ActorSink#actorRefWithBackpressure}: one frame at a time, the
 * next only after this actor has handled the last, so a client that sends faster than it is
 * served is slowed down by TCP itself.
 *
 * <p>Outbound: a bounded queue ({@code Source.queue}, {@code outbound-frames}) → kill switch →
 * {@code Tcp}. From half full on the connection is not writable (the core drops QoS 0 and runs
 * its slow-consumer timer); when full, it is closed with 4002.
 *
 * <p>Closing: the close frame goes last into the queue, which then completes: the write side
 * half-closes (FIN) once everything is written; the read side keeps reading, discarding, until
 * the client's end of stream or {@code close-timeout}, after which the connection is aborted.
 * The client's end of stream without a close frame ends the connection at once (code 1006).
 */
final class TcpConnection extends AbstractBehavior<TcpConnection.Msg> implements Transport {

  private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);
  private static final Duration WRITABILITY_POLL = Duration.ofMillis(50);

  sealed interface Msg extends NoSerializationVerificationNeeded {}

  /** A task of the core (timers, session messages, live pushes); dropped silently once stopped. */
  record Run(Runnable task) implements Msg, DeadLetterSuppression {}

  record InboundStarted(ActorRef<Ack> ackTo) implements Msg {}

  record Inbound(ByteString frame, ActorRef<Ack> ackTo) implements Msg {}

  /** The read side ended: end of stream ({@code failure} null) or a failure (framing, I/O, abort). */
  record InboundEnded(Throwable failure) implements Msg {}

  record OutboundEnded() implements Msg {}

  /** Node drain: advertise reconnect after {@code afterMillis}. */
  record Drain(long afterMillis, Function<SessionId, List<String>> endpointsFor) implements Msg {}

  /** Node stop: close with 1001. */
  enum GoAway implements Msg { INSTANCE }

  enum Ack { INSTANCE }

  private final GatewaySettings settings;
  private final TcpSettings tcp;
  private final String remote;
  private final ClientConnection core;
  private final Executor executor;
  private final BoundedSourceQueue<ByteString> outbound;
  /** Aborts both sides at once (linger timeout, full queue, actor stop). */
  private final SharedKillSwitch killSwitch;
  private final Runnable onStop;

  private boolean writable = true;
  private boolean closeSent;
  private boolean inboundEnded;
  private boolean outboundEnded;
  private boolean closedReported;
  private long lastReadNanos = System.nanoTime();
  private Duration silenceTimeout;
  private Timer silenceTimer;
  private Timer lingerTimer;

  private TcpConnection(
      ActorContext<Msg> ctx, GatewayContext gw, TcpSettings tcp, Tcp.IncomingConnection connection, Materializer mat,
      Runnable onStop) {
    super(ctx);
    this.onStop = onStop;
    this.settings = gw.settings();
    this.tcp = tcp;
    this.remote = String.valueOf(connection.remoteAddress());
    ActorRef<Msg> self = ctx.getSelf();
    this.executor = task -> self.tell(new Run(task));
    this.killSwitch = KillSwitches.shared("tcp-" + connection.remoteAddress());
    Sink<ByteString, ?> in =
        Flow.<ByteString>create()
            .via(killSwitch.flow())
            .via(new CancelQuietly<>())
            .via(TcpFrames.decoder(settings.maxFrameBytes()))
            .to(ActorSink.actorRefWithBackpressure(
                self, (ActorRef<Ack> ackTo, ByteString frame) -> new Inbound(frame, ackTo), InboundStarted::new,
                Ack.INSTANCE, new InboundEnded(null), InboundEnded::new));
    Source<ByteString, BoundedSourceQueue<ByteString>> out = Source.queue(tcp.outboundFrames());
    Flow<ByteString, ByteString, Pair<BoundedSourceQueue<ByteString>, CompletionStage<Done>>> flow =
        Flow.fromSinkAndSourceMat(in, out, Keep.right())
            .via(killSwitch.flow())
            .watchTermination(Keep.both());
    var materialized = connection.handleWith(flow, mat);
    this.outbound = materialized.first();
    materialized.second().whenComplete((done, failure) -> self.tell(new OutboundEnded()));
    this.core = new ClientConnection(gw, this);
    core.onOpen();
  }

  /** @param onStop runs once when the connection actor stops (the connection is over) */
  static Behavior<Msg> create(
      GatewayContext gw, TcpSettings tcp, Tcp.IncomingConnection connection, Materializer mat, Runnable onStop) {
    return Behaviors.setup(ctx -> new TcpConnection(ctx, gw, tcp, connection, mat, onStop));
  }

  /** One case for every message: a builder case per message type would cost each connection ~300 B. */
  @Override
  public Receive<Msg> createReceive() {
    return newReceiveBuilder()
        .onAnyMessage(this::onMessage)
        .onSignal(PostStop.class, signal -> onStopped())
        .build();
  }

  private Behavior<Msg> onMessage(Msg msg) {
    if (msg instanceof Run run) {
      run.task().run();
    } else if (msg instanceof Inbound inbound) {
      onInbound(inbound);
    } else if (msg instanceof InboundStarted started) {
      started.ackTo().tell(Ack.INSTANCE);
    } else if (msg instanceof InboundEnded ended) {
      return onInboundEnded(ended);
    } else if (msg instanceof OutboundEnded) {
      return onOutboundEnded();
    } else if (msg instanceof Drain drain) {
      core.advertiseReconnect(drain.afterMillis(), drain.endpointsFor());
    } else if (msg == GoAway.INSTANCE) {
      core.goAway();
    }
    return this;
  }

  // ---- inbound: stream -> core ----

  private void onInbound(Inbound m) {
    lastReadNanos = System.nanoTime();
    ByteString frame = m.frame();
    switch (TcpFrames.kind(frame)) {
      case TcpFrames.JSON -> core.onFrame(FrameCodec.parse(TcpFrames.body(frame)), WireEncoding.JSON);
      case TcpFrames.CBOR -> core.onFrame(CborCodec.parse(TcpFrames.body(frame)), WireEncoding.CBOR);
      case TcpFrames.CLOSE -> core.onPeerClose(TcpFrames.closeCode(frame));
      default -> core.onFrame(
          new ParseResult.Invalid(ClientErrorCode.BAD_FRAME, "unknown frame kind (1 JSON, 2 CBOR, 3 close)"),
          WireEncoding.JSON);
    }
    m.ackTo().tell(Ack.INSTANCE); // the next frame only now: backpressure on the socket
  }

  private Behavior<Msg> onInboundEnded(InboundEnded m) {
    inboundEnded = true;
    Throwable failure = m.failure();
    if (failure instanceof Framing.FramingException framing) {
      log.debug("{}: {}", core.connectionLabel(), framing.getMessage());
      String message = String.valueOf(framing.getMessage());
      core.onViolation(message.contains("negative") ? CloseCode.WEBSOCKET_PROTOCOL_ERROR : CloseCode.MESSAGE_TOO_BIG);
    } else if (failure != null) {
      log.debug("{}: read side failed: {}", core.connectionLabel(), failure.toString());
    }
    if (!closeSent) { // end of stream (or an I/O error) without a close frame: the connection is gone
      closeSent = true;
      outbound.complete();
      scheduleAbort();
    }
    reportClosed();
    return stopWhenDone();
  }

  private Behavior<Msg> onOutboundEnded() {
    outboundEnded = true;
    if (!inboundEnded) {
      // the write side failed (reset by the peer) or finished while the client still sends:
      // the read side ends with the abort below
      scheduleAbort();
    }
    return stopWhenDone();
  }

  private Behavior<Msg> stopWhenDone() {
    return inboundEnded && outboundEnded ? Behaviors.stopped() : this;
  }

  private Behavior<Msg> onStopped() {
    cancel(silenceTimer);
    cancel(lingerTimer);
    killSwitch.abort(new IllegalStateException("connection actor stopped"));
    reportClosed();
    onStop.run();
    return this;
  }

  private void reportClosed() {
    if (closedReported) return;
    closedReported = true;
    cancel(silenceTimer);
    core.onClosed();
  }

  /** Aborts the connection (both sides) if it has not ended within {@code close-timeout}. */
  private void scheduleAbort() {
    if (lingerTimer != null) return;
    lingerTimer = schedule(settings.closeTimeout(), () -> killSwitch.abort(new LingerTimeout()));
  }

  /** The client did not end its side within close-timeout. */
  private static final class LingerTimeout extends RuntimeException {
    LingerTimeout() {
      super("close-timeout passed", null, false, false);
    }
  }

  // ---- Transport: core -> stream ----

  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Cancellable c = getContext().getSystem().scheduler().scheduleOnce(delay, () -> executor.execute(task), getContext().getExecutionContext());
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

  private void offer(ByteString frame) {
    if (closeSent) return;
    QueueOfferResult result = outbound.offer(frame);
    if (result == QueueOfferResult.dropped()) {
      // full: the client reads nothing of a backlog that the core did not stop (QoS 1, control
      // frames); the close frame cannot get through either, so it is reported by the core's log
      closeSent = true;
      executor.execute(core::onOverflow);
      outbound.complete();
      killSwitch.abort(new IllegalStateException("outbound queue full"));
      return;
    }
    if (writable && outbound.size() >= tcp.highWater()) {
      writable = false;
      core.onWritabilityChanged(false);
      schedule(WRITABILITY_POLL, this::pollWritability);
    }
  }

  private void pollWritability() {
    if (writable || closeSent) return;
    if (outbound.size() <= tcp.lowWater()) {
      writable = true;
      core.onWritabilityChanged(true);
    } else {
      schedule(WRITABILITY_POLL, this::pollWritability);
    }
  }

  @Override
  public boolean writable() {
    return writable;
  }

  @Override
  public void close(int code, String reason) {
    if (closeSent) return;
    outbound.offer(TcpFrames.close(code, reason));
    closeSent = true;
    outbound.complete();
    scheduleAbort();
  }

  @Override
  public void watchSilence(Duration timeout) {
    silenceTimeout = timeout;
    lastReadNanos = System.nanoTime();
    silenceTimer = schedule(timeout, this::checkSilence);
  }

  private void checkSilence() {
    if (silenceTimeout == null || closedReported) return;
    long quietNanos = System.nanoTime() - lastReadNanos;
    long left = silenceTimeout.toNanos() - quietNanos;
    if (left <= 0) {
      silenceTimeout = null;
      core.onSilence();
    } else {
      silenceTimer = schedule(Duration.ofNanos(left), this::checkSilence);
    }
  }

  @Override
  public void stopWatchingSilence() {
    silenceTimeout = null;
    cancel(silenceTimer);
  }

  @Override
  public String remoteLabel() {
    return remote;
  }

  private static void cancel(Timer c) {
    if (c != null) c.cancel();
  }
}
