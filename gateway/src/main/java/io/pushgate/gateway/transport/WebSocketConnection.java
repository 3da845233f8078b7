package io.pushgate.gateway.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.pushgate.fanout.LivePush;
import io.pushgate.topic.Topics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.auth.TokenVerification;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.ClientFrame;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.ParseResult;
import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.RecipientRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client WebSocket connection: the protocol state machine of docs/protocol.md.
 *
 * <p>Threading: every field is read and written only on the channel's event loop. Messages from
 * the session arrive at a tiny {@link ConnectionActor}, which hands them over with
 * {@code eventLoop().execute}; nothing here blocks.
 *
 * <p>Lifecycle: {@code AWAITING_HELLO} (hello timer) → hello verified, {@code Attach} sent
 * through the {@link io.pushgate.gateway.SessionDirectory} → {@code ATTACHING} (attach timer) →
 * {@code Attached} → welcome → {@code OPEN}. If the watched session actor terminates, the
 * connection goes back to {@code ATTACHING} silently (the session redelivers pending messages;
 * clients de-duplicate). Every server-initiated close goes through {@link #closeWith} and ends in
 * {@code CLOSING}; when the channel becomes inactive the session gets {@code Detach} and the actor
 * is stopped.
 */
public final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements LiveTarget {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
  private static final String HEARTBEAT_HANDLER = "heartbeat";

  private enum State {
    HANDSHAKING,
    AWAITING_HELLO,
    ATTACHING,
    OPEN,
    CLOSING
  }

  private final GatewayContext gw;
  private final GatewaySettings settings;

  private ChannelHandlerContext ctx;
  private State state = State.HANDSHAKING;
  private ScheduledFuture<?> helloTimer;
  private ScheduledFuture<?> slowConsumerTimer;
  /** Closes the channel if the client does not complete the closing handshake in time. */
  private ScheduledFuture<?> lingerTimer;

  private int heartbeatSeconds;
  /** The hello app's session; set at hello. Its loss of attachment drives {@link State}. */
  private SessionBinding primary;
  /** Every bound app's session by app id, the hello app first (at most max-apps-per-connection). */
  private final Map<String, SessionBinding> bindings = new LinkedHashMap<>();
  private final InboundRateLimit inboundLimit;
  /** Upstream data of this connection; created with its first up frame (most connections send none). */
  private ConnectionUpstream upstream;
  /** The close code and reason for {@code disconnected} callbacks: 1006 until a close is sent or received. */
  private int closeCode = 1006;
  private String closeReason = "connection_lost";

  public WebSocketConnection(GatewayContext gw) {
    super(WebSocketFrame.class, true);
    this.gw = gw;
    this.settings = gw.settings();
    this.inboundLimit = new InboundRateLimit(settings.inboundRate(), System.nanoTime());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---- inbound: Netty ----

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      onHandshakeComplete();
    } else if (evt instanceof IdleStateEvent) {
      if (state != State.CLOSING) {
        gw.metrics().heartbeatTimeouts.increment();
        closeWith(CloseCode.HEARTBEAT_TIMEOUT, null, null);
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void onHandshakeComplete() {
    if (state != State.HANDSHAKING) return;
    gw.metrics().acceptedConnections.increment();
    state = State.AWAITING_HELLO;
    helloTimer =
        schedule(
            settings.helloTimeout(),
            () -> {
              if (state == State.AWAITING_HELLO) {
                closeWith(
                    CloseCode.HELLO_TIMEOUT,
                    ClientErrorCode.HELLO_TIMEOUT,
                    "no hello within " + settings.helloTimeout().toSeconds() + " s");
              }
            });
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame close) {
      onClientClose(close);
      return;
    }
    if (state == State.CLOSING || state == State.HANDSHAKING) return;
    if (frame instanceof TextWebSocketFrame text) {
      onText(text.text());
    } else if (frame instanceof BinaryWebSocketFrame) {
      if (chargeFrame()) sendError(ClientErrorCode.BAD_FRAME, "binary frames are not supported; send JSON text frames");
    }
    // pong frames (if any reach here) only count as liveness, which the idle handler saw already
  }

  /**
   * A WebSocket ping control frame (answered by Netty's protocol handler): it costs a token like
   * any frame, so a ping flood is closed with 4004 like any other flood.
   *
   * @return false if the ping must not be answered: the connection is closing (nothing may follow
   *     the close frame) or this ping was one too many
   */
  boolean onPingFrame() {
    if (state == State.CLOSING) return false;
    if (state == State.HANDSHAKING) return true;
    return chargeFrame();
  }

  /** Takes one inbound token; closes with 4004 and returns false when the client is over its rate. */
  private boolean chargeFrame() {
    if (inboundLimit.tryAcquire(System.nanoTime())) return true;
    gw.metrics().rateLimitedCloses.increment();
    closeWith(
        CloseCode.RATE_LIMITED,
        ClientErrorCode.RATE_LIMITED,
        "more than " + settings.inboundRate().rate() + " frames per second");
    return false;
  }

  /**
   * The client's close frame: the answer to ours (then we only wait for its EOF, see
   * {@link #closeWith}), or its own close, which is answered with the same code (Netty's decoder
   * has rejected invalid codes and reasons already, with 1002/1007 through {@link #exceptionCaught}).
   */
  private void onClientClose(CloseWebSocketFrame close) {
    if (state == State.CLOSING) return;
    state = State.CLOSING;
    cancelTimers();
    int code = close.statusCode();
    closeCode = code < 0 ? 1005 : code;
    closeReason = "client_closed";
    sendCloseAndLinger(code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, ""));
  }

  private void onText(String text) {
    ParseResult parsed = FrameCodec.parse(text);
    if (parsed instanceof ParseResult.Invalid invalid) {
      if (chargeFrame()) sendError(invalid.code(), invalid.message());
      return;
    }
    ClientFrame frame = ((ParseResult.Ok) parsed).frame();
    // an ack of a push we sent is paid for by that push (redelivery speed is ours, not the client's)
    boolean paid = frame instanceof ClientFrame.Ack && inboundLimit.tryUseAckCredit();
    if (!paid && !chargeFrame()) return;
    if (frame instanceof ClientFrame.Hello hello) {
      onHello(hello);
    } else if (state == State.AWAITING_HELLO) {
      closeWith(CloseCode.PROTOCOL_ERROR, ClientErrorCode.PROTOCOL_ERROR, "the first frame must be hello");
    } else if (frame instanceof ClientFrame.Ack ack) {
      SessionBinding b = bindingFor(ack.app());
      if (b != null) b.ack(gw, ack.seq(), ack.bseq());
    } else if (frame instanceof ClientFrame.Ping) {
      write(FrameCodec.pong());
    } else if (frame instanceof ClientFrame.Sub sub) {
      SessionBinding b = bindingFor(sub.app());
      if (b != null) b.topics.subscribe(sub.topic(), sub.since(), sub.epoch());
    } else if (frame instanceof ClientFrame.Unsub unsub) {
      SessionBinding b = bindingFor(unsub.app());
      if (b != null) b.topics.unsubscribe(unsub.topic());
    } else if (frame instanceof ClientFrame.Bind bind) {
      onBind(bind);
    } else if (frame instanceof ClientFrame.Unbind unbind) {
      onUnbind(unbind.app());
    } else if (frame instanceof ClientFrame.Up up) {
      SessionBinding b = bindingFor(up.app());
      if (b != null) upstream().send(up, b, bindings.size() > 1 ? b.app() : null);
    }
  }

  private void onHello(ClientFrame.Hello hello) {
    if (state != State.AWAITING_HELLO) {
      closeWith(CloseCode.PROTOCOL_ERROR, ClientErrorCode.PROTOCOL_ERROR, "hello was already received");
      return;
    }
    cancel(helloTimer);
    Optional<App> app = gw.apps().find(hello.app());
    if (app.isEmpty()) {
      closeWith(CloseCode.UNKNOWN_APP, ClientErrorCode.UNKNOWN_APP, "unknown app");
      return;
    }
    TokenVerification verification = gw.tokens().verify(app.get(), hello.token());
    if (verification instanceof TokenVerification.Invalid invalid) {
      closeWith(CloseCode.INVALID_TOKEN, ClientErrorCode.INVALID_TOKEN, invalid.reason());
      return;
    }
    TokenVerification.Valid valid = (TokenVerification.Valid) verification;
    heartbeatSeconds = settings.heartbeat().negotiate(hello.hb());
    long silenceMillis = settings.heartbeat().silenceTimeout(heartbeatSeconds).toMillis();
    ctx.pipeline()
        .addFirst(HEARTBEAT_HANDLER, new IdleStateHandler(false, silenceMillis, 0, 0, TimeUnit.MILLISECONDS));
    primary = newBinding(new SessionId(app.get().id(), valid.user()), valid.topicPatterns());
    bindings.put(primary.app(), primary);
    attach(primary);
  }

  private ConnectionUpstream upstream() {
    if (upstream == null) {
      upstream = new ConnectionUpstream(gw.upstreamSettings(), gw.backend().upstream(), ctx.executor(), json -> {
        if (state != State.CLOSING) write(json); // nothing may follow the close frame
      });
    }
    return upstream;
  }

  /** A binding with its own connection id and connection actor (not attached yet). */
  private SessionBinding newBinding(SessionId sessionId, List<String> topicPatterns) {
    String connectionId = gw.newConnectionId();
    ConnectionInfo info = new ConnectionInfo(connectionId, gw.nodeAddress(), "websocket", System.currentTimeMillis());
    SessionBinding[] binding = new SessionBinding[1];
    ActorRef<Object> actor =
        gw.system().systemActorOf(ConnectionActor.create(m -> fromActor(binding[0], m)), "ws-" + connectionId, Props.empty());
    ConnectionTopics topics =
        new ConnectionTopics(
            sessionId.app(), topicPatterns, gw.subscriptions().maxTopicsPerConnection(), gw.liveFanOut(), this,
            this::write, ctx.executor(), () -> Topics.get(gw.system()), settings.attachTimeout());
    binding[0] = new SessionBinding(sessionId, info, actor, topics);
    return binding[0];
  }

  private void attach(SessionBinding b) {
    if (b == primary) state = State.ATTACHING;
    b.attach(gw);
    cancel(b.attachTimer);
    b.attachTimer =
        schedule(
            settings.attachTimeout(),
            () -> {
              if (b.attached || state == State.CLOSING) return;
              if (b == primary) {
                closeWith(CloseCode.SESSION_UNAVAILABLE, ClientErrorCode.SESSION_UNAVAILABLE, "the session did not answer in time");
              } else if (bindings.get(b.app()) == b) {
                write(FrameCodec.appError(ClientErrorCode.SESSION_UNAVAILABLE, "the session did not answer in time", b.app()));
                dropBinding(b, "session_unavailable");
              }
            });
  }

  // ---- bind / unbind ----

  private void onBind(ClientFrame.Bind bind) {
    if (!primary.announced) {
      write(FrameCodec.appError(ClientErrorCode.NOT_BOUND, "bind only after welcome", bind.app()));
      return;
    }
    Optional<App> app = gw.apps().find(bind.app());
    if (app.isEmpty()) {
      write(FrameCodec.appError(ClientErrorCode.UNKNOWN_APP, "unknown app", bind.app()));
    } else if (bindings.containsKey(bind.app())) {
      write(FrameCodec.appError(ClientErrorCode.ALREADY_BOUND, "this app is bound on this connection already", bind.app()));
    } else if (bindings.size() >= gw.subscriptions().maxAppsPerConnection()) {
      write(FrameCodec.appError(
          ClientErrorCode.TOO_MANY_APPS,
          "at most " + gw.subscriptions().maxAppsPerConnection() + " apps per connection (max-apps-per-connection)",
          bind.app()));
    } else {
      TokenVerification verification = gw.tokens().verify(app.get(), bind.token());
      if (verification instanceof TokenVerification.Valid valid) {
        SessionBinding b = newBinding(new SessionId(app.get().id(), valid.user()), valid.topicPatterns());
        bindings.put(b.app(), b);
        attach(b);
      } else {
        String reason = ((TokenVerification.Invalid) verification).reason();
        write(FrameCodec.appError(ClientErrorCode.INVALID_TOKEN, reason + " (a token of app " + bind.app() + " is needed)", bind.app()));
      }
    }
  }

  private void onUnbind(String app) {
    SessionBinding b = bindings.get(app);
    if (b == null || b == primary) {
      write(FrameCodec.appError(
          ClientErrorCode.NOT_BOUND, b == null ? "not bound on this connection" : "the hello app cannot be unbound", app));
      return;
    }
    dropBinding(b, "client");
  }

  /** Ends a bound (not the hello) app's session on this connection and tells the client. */
  private void dropBinding(SessionBinding b, String reason) {
    bindings.remove(b.app());
    ConnectionCallbacks.disconnected(gw.callbacks(), b, 0, "unbound_" + reason);
    b.release(gw, this);
    write(FrameCodec.unbound(b.app(), reason));
  }

  /** The binding an ack or sub names (null: the hello app); null with an error sent if none. */
  private SessionBinding bindingFor(String app) {
    if (app == null) return primary;
    SessionBinding b = bindings.get(app);
    if (b == null) write(FrameCodec.appError(ClientErrorCode.NOT_BOUND, "not bound on this connection", app));
    return b;
  }

  // ---- inbound: the session (via ConnectionActor) ----

  /** Called on the actor's thread: only hands over to the event loop. */
  private void fromActor(SessionBinding binding, Object message) {
    try {
      ctx.executor().execute(() -> onActorMessage(binding, message));
    } catch (RejectedExecutionException e) {
      log.debug("event loop gone, dropping {}", message.getClass().getSimpleName());
    }
  }

  private void onActorMessage(SessionBinding b, Object message) {
    if (state == State.CLOSING || bindings.get(b.app()) != b) return;
    if (message instanceof ConnectionMessage.Push push) {
      onPush(b, push);
    } else if (message instanceof ConnectionMessage.Attached attached) {
      onAttached(b, attached);
    } else if (message instanceof ConnectionMessage.TopicsChanged changed) {
      if (b.attached) b.topics.serverTopics(changed.topics());
    } else if (message instanceof ConnectionMessage.Disconnect disconnect) {
      if (b == primary) {
        closeWith(
            switch (disconnect.reason()) {
              case REPLACED -> CloseCode.REPLACED;
              case KICKED -> CloseCode.KICKED;
            },
            null,
            null);
      } else {
        dropBinding(b, disconnect.reason() == io.pushgate.session.DisconnectReason.KICKED ? "kicked" : "replaced");
      }
    } else if (message instanceof ConnectionActor.SessionLost lost) {
      if (b.attached && lost.session().equals(b.session) && (b != primary || state == State.OPEN)) {
        gw.metrics().reattaches.increment();
        log.debug("session {} terminated; re-attaching connection {}", b.sessionId, b.info.connectionId());
        attach(b);
      }
    }
  }

  private void onAttached(SessionBinding b, ConnectionMessage.Attached attached) {
    b.session = attached.session();
    if (b.attached) return;
    if (b == primary && state != State.ATTACHING) return;
    b.attached = true;
    cancel(b.attachTimer);
    if (b == primary) state = State.OPEN;
    if (!b.announced) {
      b.announced = true;
      write(b == primary
          ? FrameCodec.welcome(b.sessionId.entityId(), heartbeatSeconds, attached.pending())
          : FrameCodec.bound(b.app(), b.sessionId.entityId(), attached.pending()));
      gw.liveFanOut().add(b.liveKey, this);
      ConnectionCallbacks.connected(gw.callbacks(), b);
    }
    b.topics.serverTopics(attached.topics()); // a diff: announces only what changed
  }

  private void onPush(SessionBinding b, ConnectionMessage.Push push) {
    if (!b.attached) {
      // cannot happen with per-sender ordering (Attached comes first); QoS 1 would be redelivered
      log.debug("push {} before attach completed; dropped", push.id());
      return;
    }
    if (push.qos() == 0 && !ctx.channel().isWritable()) {
      gw.metrics().droppedQos0.increment();
      return;
    }
    // once a second app is bound, every push names its app
    boolean withApp = bindings.size() > 1;
    if (push.qos() > 0) inboundLimit.grantAckCredit();
    if (push.bseq() > 0) { // a broadcast: the same bytes for every connection of the app on this node
      byte[] frame = gw.broadcastFrames().frame(b.app(), push.id(), push.bseq(), push.data(), withApp);
      ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
      return;
    }
    write(FrameCodec.push(push.id(), push.qos(), push.seq(), push.bseq(), push.data(), withApp ? b.app() : null));
  }

  // ---- live pushes (QoS 0 broadcasts, topics) ----

  @Override
  public void writeLive(LivePush push, byte[] frame) {
    try {
      ctx.executor().execute(() -> {
        if (state != State.OPEN) return;
        SessionBinding b = bindings.get(push.app());
        if (b == null || !b.attached) return;
        if (push.topic() != null && b.topics.holdBack(push)) return;
        if (!ctx.channel().isWritable()) {
          gw.metrics().droppedQos0.increment();
          return;
        }
        ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
      });
    } catch (RejectedExecutionException e) {
      // event loop gone: the connection is closing, and QoS 0 may be dropped
    }
  }

  // ---- backpressure ----

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      cancel(slowConsumerTimer);
      slowConsumerTimer = null;
    } else if (slowConsumerTimer == null && state != State.CLOSING) {
      slowConsumerTimer =
          schedule(
              settings.slowConsumerTimeout(),
              () -> {
                slowConsumerTimer = null;
                if (!ctx.channel().isWritable() && state != State.CLOSING) {
                  gw.metrics().slowConsumerCloses.increment();
                  closeWith(CloseCode.SLOW_CONSUMER, null, null);
                }
              });
    }
    super.channelWritabilityChanged(ctx);
  }

  // ---- closing ----

  /**
   * Node drain: a client that is past hello is told to reconnect elsewhere after
   * {@code afterMillis} (it then closes the socket itself); a client that has not said hello yet
   * is closed with 1001. Must run on the event loop.
   */
  public void advertiseReconnect(long afterMillis, Function<SessionId, List<String>> endpointsFor) {
    if (state == State.CLOSING) return;
    if (primary == null || state == State.HANDSHAKING || state == State.AWAITING_HELLO) {
      goAway();
      return;
    }
    write(FrameCodec.reconnect(afterMillis, endpointsFor.apply(primary.sessionId)));
  }

  /** Graceful stop of the node: close with 1001. Must run on the event loop. */
  public ChannelFuture goAway() {
    closeWith(CloseCode.GOING_AWAY, null, null);
    return ctx.channel().closeFuture();
  }

  /**
   * Sends an optional error frame, then the one close frame, then half-closes the TCP connection
   * (FIN) once the frame is written, and waits for the client's close frame or EOF, reading and
   * discarding whatever it still sends, for at most {@code close-timeout}. Closing at once would
   * turn unread client bytes into a TCP reset, which can destroy the close frame on its way.
   */
  private void closeWith(CloseCode code, ClientErrorCode error, String message) {
    if (state == State.CLOSING) return;
    state = State.CLOSING;
    closeCode = code.code();
    closeReason = code.reason();
    cancelTimers();
    if (error != null) {
      ctx.write(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), FrameCodec.error(error, message))));
    }
    sendCloseAndLinger(new CloseWebSocketFrame(code.code(), code.reason()));
    if (code == CloseCode.SLOW_CONSUMER) {
      // the 4002 frame cannot reach a client that does not read: this line is the only record
      log.info("closing {} with 4002 slow_consumer: it read nothing of its backlog for {}",
          connectionLabel(), settings.slowConsumerTimeout());
    } else if (log.isDebugEnabled()) {
      log.debug("closing {} with {}", connectionLabel(), code);
    }
  }

  /**
   * Writes the one close frame, half-closes (FIN) once it is written, and leaves the channel open
   * until the client closes its side (EOF closes the channel) or {@code close-timeout} passes,
   * reading and discarding whatever the client still sends. Never closes with unread client bytes
   * while the client is expected to close: that would be a reset, which can destroy frames not yet
   * delivered, the close frame among them.
   */
  private void sendCloseAndLinger(CloseWebSocketFrame frame) {
    lingerTimer = LingeringClose.halfCloseAfter(ctx.writeAndFlush(frame), settings.closeTimeout());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    state = State.CLOSING;
    cancelTimers();
    cancel(slowConsumerTimer);
    cancel(lingerTimer);
    for (SessionBinding b : bindings.values()) {
      ConnectionCallbacks.disconnected(gw.callbacks(), b, closeCode, closeReason);
      b.release(gw, this);
    }
    bindings.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      // framing error, invalid UTF-8, oversize frame or bad close frame: Netty's decoder only reports
      log.debug("{}: {}", connectionLabel(), cause.getMessage());
      gw.metrics().protocolViolationCloses.increment();
      closeWith(CloseCode.forViolation(corrupt.closeStatus().code()), null, null);
    } else if (cause instanceof TooLongFrameException) {
      // a fragmented message over max-frame-bytes (WebSocketFrameAggregator)
      gw.metrics().protocolViolationCloses.increment();
      closeWith(CloseCode.MESSAGE_TOO_BIG, null, null);
    } else if (cause instanceof CorruptedFrameException) {
      // e.g. a continuation frame without a start (WebSocketFrameAggregator)
      gw.metrics().protocolViolationCloses.increment();
      closeWith(CloseCode.WEBSOCKET_PROTOCOL_ERROR, null, null);
    } else if (cause instanceof IOException) {
      log.debug("{}: I/O error: {}", connectionLabel(), cause.toString());
      ctx.channel().close();
    } else {
      log.warn("{}: unexpected error, closing with 1011", connectionLabel(), cause);
      closeWith(CloseCode.INTERNAL_ERROR, null, null);
    }
  }

  // ---- helpers ----

  private void sendError(ClientErrorCode code, String message) {
    write(FrameCodec.error(code, message));
  }

  private void write(String json) {
    ctx.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), json)));
  }

  private ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    return ctx.executor().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelTimers() {
    cancel(helloTimer);
    for (SessionBinding b : bindings.values()) cancel(b.attachTimer);
    if (ctx.pipeline().get(HEARTBEAT_HANDLER) != null) ctx.pipeline().remove(HEARTBEAT_HANDLER);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) timer.cancel(false);
  }

  private String connectionLabel() {
    return primary == null
        ? "connection " + ctx.channel().remoteAddress()
        : "connection " + primary.info.connectionId() + " (" + primary.sessionId + ")";
  }
}
