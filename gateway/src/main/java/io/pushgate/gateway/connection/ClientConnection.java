package io.pushgate.gateway.connection;

import io.pushgate.auth.TokenVerification;
import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.ClientFrame;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.ParseResult;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.gateway.transport.Transport;
import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.DisconnectReason;
import io.pushgate.topic.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, whatever its transport: the protocol state machine of docs/protocol.md
 * (hello, token, attach, acks, heartbeats, bind, topics, upstream, limits, close codes, drain). It
 * knows nothing of sockets: it reads parsed frames and events from its {@link Transport} and writes
 * frames and the close through it.
 *
 * <p>Threading: every field is read and written only on {@link Transport#executor()}. Messages from
 * the sessions arrive through the node's {@link ConnectionRouter} (or a {@link ConnectionActor} per
 * bound app with {@code route-through-node = false}), or straight from a session of this node
 * ({@link io.pushgate.session.LocalConnections}), and are handed over to that executor; nothing
 * here blocks.
 *
 * <p>Lifecycle: {@code OPENING} → {@link #onOpen()} → {@code AWAITING_HELLO} (hello timer) → hello
 * verified and admitted ({@link ConnectionAdmission}), {@code Attach} sent through the {@link
 * io.pushgate.gateway.SessionDirectory} → {@code ATTACHING} (attach timer) → {@code Attached} →
 * welcome → {@code OPEN} (with {@code welcome-before-attach}: welcome and {@code OPEN} right after
 * the {@code Attach}, the session's messages once it says {@code Attached}). If the watched session
 * actor terminates, the connection goes back to {@code ATTACHING} silently (the session redelivers
 * pending messages; clients de-duplicate); a session that parks ({@link
 * io.pushgate.session.ConnectionMessage.Parked}) is not watched until it wakes and says {@code
 * Attached} again, and the client sees nothing of either. Every server-initiated close goes through
 * {@link #closeWith} and ends in {@code CLOSING}; when the transport reports {@link #onClosed()}
 * every session gets {@code Detach} and the bindings' routes (or actors) go.
 *
 * <p>Encoding: the hello's encoding ({@link WireEncoding}) is the encoding of every frame sent
 * after it; before hello, replies follow the encoding of the frame they answer.
 */
public final class ClientConnection implements LiveTarget {

  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  private enum State {
    OPENING,
    AWAITING_HELLO,
    ATTACHING,
    OPEN,
    CLOSING
  }

  private final GatewayContext gw;
  private final GatewaySettings settings;
  private final Transport transport;

  private State state = State.OPENING;
  private WireEncoding encoding = WireEncoding.JSON;
  private Transport.Timer helloTimer;
  private Transport.Timer slowConsumerTimer;

  private int heartbeatSeconds;

  /** The hello app's session; set at hello. Its loss of attachment drives {@link State}. */
  private SessionBinding primary;

  /** Every bound app's session by app id, the hello app first (at most max-apps-per-connection). */
  private final Map<String, SessionBinding> bindings =
      new LinkedHashMap<>(2); // most connections bind one app

  private final InboundRateLimit inboundLimit;

  /**
   * Upstream data of this connection; created with its first up frame (most connections send none).
   */
  private ConnectionUpstream upstream;

  /**
   * The close code and reason for {@code disconnected} callbacks: 1006 until a close is sent or
   * received.
   */
  private int closeCode = 1006;

  /** Counted as open in the metrics (from {@link #onOpen} to {@link #onClosed}). */
  private boolean opened;

  /** When the hello arrived (System.nanoTime), for the hello latency. */
  private long helloAtNanos;

  /**
   * Holds a place of the node's {@link ConnectionAdmission} (from hello until the session attached,
   * or the end).
   */
  private boolean admitted;

  private String closeReason = "connection_lost";

  public ClientConnection(GatewayContext gw, Transport transport) {
    this.gw = gw;
    this.settings = gw.settings();
    this.transport = transport;
    this.inboundLimit = new InboundRateLimit(settings.inboundRate(), System.nanoTime());
  }

  // ---- inbound: the transport ----

  /**
   * The transport is ready for frames (WebSocket handshake done, TCP connection accepted): the
   * hello timer starts.
   */
  public void onOpen() {
    if (state != State.OPENING) return;
    gw.metrics().acceptedConnections.increment();
    gw.metrics().opened(transport.name());
    opened = true;
    state = State.AWAITING_HELLO;
    helloTimer =
        transport.schedule(
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

  /** Nothing was read for the negotiated silence timeout ({@link Transport#watchSilence}). */
  public void onSilence() {
    if (state == State.CLOSING) return;
    gw.metrics().heartbeatTimeouts.increment();
    closeWith(CloseCode.HEARTBEAT_TIMEOUT, null, null);
  }

  /** One frame from the client, parsed by the transport in the encoding it arrived in. */
  public void onFrame(ParseResult parsed, WireEncoding arrivedIn) {
    if (state == State.CLOSING || state == State.OPENING) return;
    if (state == State.AWAITING_HELLO) encoding = arrivedIn;
    if (parsed instanceof ParseResult.Invalid invalid) {
      if (chargeFrame()) sendError(invalid.code(), invalid.message());
      return;
    }
    ClientFrame frame = ((ParseResult.Ok) parsed).frame();
    // an ack of a push we sent is paid for by that push (redelivery speed is ours, not the
    // client's)
    boolean paid = frame instanceof ClientFrame.Ack && inboundLimit.tryUseAckCredit();
    if (!paid && !chargeFrame()) return;
    if (frame instanceof ClientFrame.Hello hello) {
      onHello(hello);
    } else if (state == State.AWAITING_HELLO) {
      closeWith(
          CloseCode.PROTOCOL_ERROR,
          ClientErrorCode.PROTOCOL_ERROR,
          "the first frame must be hello");
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

  /**
   * A transport-level liveness probe (a WebSocket ping control frame): it costs a token like any
   * frame, so a ping flood is closed with 4004 like any other flood.
   *
   * @return false if the probe must not be answered: the connection is closing (nothing may follow
   *     the close) or this probe was one too many
   */
  public boolean onProbe() {
    if (state == State.CLOSING) return false;
    if (state == State.OPENING) return true;
    return chargeFrame();
  }

  /**
   * The client's close: the answer to ours (then the transport only waits for its end of stream),
   * or its own close, which is answered with the same code ({@code -1}: none given).
   */
  public void onPeerClose(int code) {
    if (state == State.CLOSING) return;
    state = State.CLOSING;
    cancelTimers();
    closeCode = code < 0 ? 1005 : code;
    closeReason = "client_closed";
    transport.close(code, "");
  }

  /**
   * The transport found a violation of its own framing (oversize frame, bad UTF-8, bad opcode) or
   * failed unexpectedly: closes with {@code code}, without an error frame.
   */
  public void onViolation(CloseCode code) {
    if (code != CloseCode.INTERNAL_ERROR) gw.metrics().protocolViolationCloses.increment();
    closeWith(code, null, null);
  }

  /** The outbound buffer went over (false) or back under (true) its high-water mark. */
  public void onWritabilityChanged(boolean writable) {
    if (writable) {
      cancel(slowConsumerTimer);
      slowConsumerTimer = null;
    } else if (slowConsumerTimer == null && state != State.CLOSING) {
      slowConsumerTimer =
          transport.schedule(
              settings.slowConsumerTimeout(),
              () -> {
                slowConsumerTimer = null;
                if (!transport.writable() && state != State.CLOSING) {
                  gw.metrics().slowConsumerCloses.increment();
                  closeWith(CloseCode.SLOW_CONSUMER, null, null);
                }
              });
    }
  }

  /**
   * The transport's outbound buffer overflowed (its bound reached; the client reads nothing): the
   * connection is closed with 4002 at once, though the close may not get through.
   */
  public void onOverflow() {
    if (state == State.CLOSING) return;
    gw.metrics().slowConsumerCloses.increment();
    closeWith(CloseCode.SLOW_CONSUMER, null, null);
  }

  /** The socket is gone (whoever closed it): every session gets Detach. Called once. */
  public void onClosed() {
    state = State.CLOSING;
    if (opened) gw.metrics().closed(transport.name(), closeCode);
    opened = false;
    cancelTimers();
    cancel(slowConsumerTimer);
    for (SessionBinding b : bindings.values()) {
      ConnectionCallbacks.disconnected(gw.callbacks(), b, closeCode, closeReason);
      b.release(gw, this);
    }
    bindings.clear();
  }

  private boolean chargeFrame() {
    if (inboundLimit.tryAcquire(System.nanoTime())) return true;
    gw.metrics().rateLimitedCloses.increment();
    closeWith(
        CloseCode.RATE_LIMITED,
        ClientErrorCode.RATE_LIMITED,
        "more than " + settings.inboundRate().rate() + " frames per second");
    return false;
  }

  private void onHello(ClientFrame.Hello hello) {
    if (state != State.AWAITING_HELLO) {
      closeWith(
          CloseCode.PROTOCOL_ERROR, ClientErrorCode.PROTOCOL_ERROR, "hello was already received");
      return;
    }
    cancel(helloTimer);
    helloTimer = null; // a cancelled timer is not kept for the life of the connection
    helloAtNanos = System.nanoTime();
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
    if (!gw.admission().tryAdmit()) {
      closeWith(
          CloseCode.TRY_AGAIN_LATER,
          ClientErrorCode.OVERLOADED,
          "more than "
              + gw.admission().maxAttaching()
              + " connections are being set up on this node; reconnect with backoff");
      return;
    }
    admitted = true;
    heartbeatSeconds = settings.heartbeat().negotiate(hello.hb());
    transport.watchSilence(settings.heartbeat().silenceTimeout(heartbeatSeconds));
    primary = newBinding(new SessionId(app.get().id(), valid.user()), valid.topicPatterns());
    bindings.put(primary.app(), primary);
    attach(primary);
    if (settings.welcomeBeforeAttach()) {
      // the session's recovery is not waited for: its stored messages follow when it attaches
      state = State.OPEN;
      announce(primary, -1);
    }
  }

  private ConnectionUpstream upstream() {
    if (upstream == null) {
      upstream =
          new ConnectionUpstream(
              gw.upstreamSettings(),
              gw.backend().upstream(),
              transport.executor(),
              json -> {
                if (state != State.CLOSING) write(json); // nothing may follow the close
              });
    }
    return upstream;
  }

  /**
   * A binding with its own connection id and address: a route through the node's router, or its own
   * actor (not attached yet).
   */
  private SessionBinding newBinding(SessionId sessionId, List<String> topicPatterns) {
    String connectionId = gw.newConnectionId();
    ConnectionInfo info =
        new ConnectionInfo(
            connectionId, gw.nodeAddress(), transport.name(), System.currentTimeMillis());
    SessionBinding[] binding = new SessionBinding[1];
    Consumer<Object> fromSessions = m -> fromActor(binding[0], m);
    ActorRef<Object> actor = null;
    String routeId = null;
    if (gw.routes() != null) {
      routeId = connectionId; // unique on this node
      gw.routes().register(routeId, fromSessions);
    } else {
      actor =
          gw.system()
              .systemActorOf(
                  ConnectionActor.create(fromSessions),
                  transport.name() + "-" + connectionId,
                  Props.empty());
    }
    ConnectionTopics topics =
        new ConnectionTopics(
            sessionId.app(),
            topicPatterns,
            gw.subscriptions().maxTopicsPerConnection(),
            gw.liveFanOut(),
            this,
            this::write,
            transport.executor(),
            () -> Topics.get(gw.system()),
            settings.attachTimeout());
    binding[0] =
        new SessionBinding(
            sessionId, info, actor, routeId, topics, gw.messages().forApp(sessionId.app()));
    BroadcastLoops loops = gw.broadcastLoops();
    if (loops != null) {
      binding[0].broadcasts =
          new BroadcastDelivery(
              sessionId.app(),
              loops,
              settings.inflightWindow(),
              new BroadcastDelivery.Outlet(
                  transport,
                  e -> writeBroadcast(binding[0], e),
                  upTo -> binding[0].reportBroadcastAck(gw, upTo),
                  System::currentTimeMillis));
    }
    gw.localConnections().register(binding[0].localKey(), m -> fromLocalSession(binding[0], m));
    return binding[0];
  }

  private void attach(SessionBinding b) {
    if (b == primary) state = State.ATTACHING;
    b.attach(gw);
    cancel(b.attachTimer);
    b.attachTimer =
        transport.schedule(
            settings.attachTimeout(),
            () -> {
              if (b.attached || state == State.CLOSING) return;
              if (b == primary) {
                closeWith(
                    CloseCode.SESSION_UNAVAILABLE,
                    ClientErrorCode.SESSION_UNAVAILABLE,
                    "the session did not answer in time");
              } else if (bindings.get(b.app()) == b) {
                write(
                    FrameCodec.appError(
                        ClientErrorCode.SESSION_UNAVAILABLE,
                        "the session did not answer in time",
                        b.app()));
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
      write(
          FrameCodec.appError(
              ClientErrorCode.ALREADY_BOUND,
              "this app is bound on this connection already",
              bind.app()));
    } else if (bindings.size() >= gw.subscriptions().maxAppsPerConnection()) {
      write(
          FrameCodec.appError(
              ClientErrorCode.TOO_MANY_APPS,
              "at most "
                  + gw.subscriptions().maxAppsPerConnection()
                  + " apps per connection (max-apps-per-connection)",
              bind.app()));
    } else {
      TokenVerification verification = gw.tokens().verify(app.get(), bind.token());
      if (verification instanceof TokenVerification.Valid valid) {
        SessionBinding b =
            newBinding(new SessionId(app.get().id(), valid.user()), valid.topicPatterns());
        bindings.put(b.app(), b);
        attach(b);
      } else {
        String reason = ((TokenVerification.Invalid) verification).reason();
        write(
            FrameCodec.appError(
                ClientErrorCode.INVALID_TOKEN,
                reason + " (a token of app " + bind.app() + " is needed)",
                bind.app()));
      }
    }
  }

  private void onUnbind(String app) {
    SessionBinding b = bindings.get(app);
    if (b == null || b == primary) {
      write(
          FrameCodec.appError(
              ClientErrorCode.NOT_BOUND,
              b == null ? "not bound on this connection" : "the hello app cannot be unbound",
              app));
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
    if (b == null)
      write(FrameCodec.appError(ClientErrorCode.NOT_BOUND, "not bound on this connection", app));
    return b;
  }

  // ---- inbound: the session (through the router, the binding's actor, or its local sink) ----

  /**
   * A session of this node writes here directly (see {@link io.pushgate.session.LocalConnections}),
   * on its own thread: only hands over to the executor; an {@code Attached} also has the binding's
   * actor watch the session, as it would had it passed through it.
   */
  private void fromLocalSession(SessionBinding binding, ConnectionMessage message) {
    if (message instanceof ConnectionMessage.Attached attached)
      binding.watch(gw, attached.session());
    if (message instanceof ConnectionMessage.Parked parked) binding.unwatch(gw, parked.session());
    fromActor(binding, message);
  }

  /** Called on the actor's (or a local session's) thread: only hands over to the executor. */
  private void fromActor(SessionBinding binding, Object message) {
    try {
      transport.executor().execute(() -> onActorMessage(binding, message));
    } catch (RejectedExecutionException e) {
      log.debug("connection gone, dropping {}", message.getClass().getSimpleName());
    }
  }

  private void onActorMessage(SessionBinding b, Object message) {
    if (state == State.CLOSING || bindings.get(b.app()) != b) return;
    if (message instanceof ConnectionMessage.Push push) {
      onPush(b, push);
    } else if (message instanceof ConnectionMessage.Attached attached) {
      onAttached(b, attached);
    } else if (message instanceof ConnectionMessage.Parked parked) {
      if (b.attached && parked.session().equals(b.session))
        b.parked(true); // stays attached: the client sees nothing
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
        dropBinding(b, disconnect.reason() == DisconnectReason.KICKED ? "kicked" : "replaced");
      }
    } else if (message instanceof ConnectionActor.SessionLost lost) {
      if (b.attached && lost.session().equals(b.session) && (b != primary || state == State.OPEN)) {
        gw.metrics().reattaches.increment();
        log.debug(
            "session {} terminated; re-attaching connection {}",
            b.sessionId,
            b.info.connectionId());
        attach(b);
      }
    }
  }

  private void onAttached(SessionBinding b, ConnectionMessage.Attached attached) {
    b.session = attached.session();
    if (b.parked) b.parked(false); // a parked session woke: it pushes here again, as before
    if (b.attached) return;
    b.attached = true;
    cancel(b.attachTimer);
    b.attachTimer = null;
    if (b == primary) {
      state = State.OPEN;
      releaseAdmission(); // held until the session is up, welcome before attach or not: it bounds
      // recoveries
    }
    if (!b.announced) announce(b, attached.pending());
    b.topics.serverTopics(attached.topics()); // a diff: announces only what changed
    if (b.broadcasts != null) {
      // a session of an older node does not say when it began: it delivers broadcasts itself
      if (attached.createdAtMillis() > 0)
        b.broadcasts.start(attached.broadcastCursor(), attached.createdAtMillis());
      else b.broadcasts.suspend();
    }
  }

  /**
   * Welcome (or bound) for {@code b}, once; {@code pending} negative: not known yet (welcome before
   * attach).
   */
  private void announce(SessionBinding b, int pending) {
    b.announced = true;
    write(
        b == primary
            ? FrameCodec.welcome(b.sessionId.entityId(), heartbeatSeconds, pending)
            : FrameCodec.bound(b.app(), b.sessionId.entityId(), pending));
    if (b == primary) gw.metrics().welcomed(transport.name(), System.nanoTime() - helloAtNanos);
    gw.liveFanOut().add(b.liveKey(), this);
    ConnectionCallbacks.connected(gw.callbacks(), b);
  }

  private void onPush(SessionBinding b, ConnectionMessage.Push push) {
    if (!b.attached) {
      // cannot happen with per-sender ordering (Attached comes first); QoS 1 would be redelivered
      log.debug("push {} before attach completed; dropped", push.id());
      return;
    }
    if (push.qos() == 0 && !transport.writable()) {
      gw.metrics().droppedQos0.increment();
      b.meters.droppedSlowConsumer.increment();
      return;
    }
    if (push.bseq() > 0) { // from a session that delivers broadcasts itself
      writeBroadcast(b, push.id(), push.bseq(), push.data(), push.acceptedAtMillis());
      return;
    }
    b.meters.delivered(push.qos()).increment();
    gw.messages().recordDelivery(push.acceptedAtMillis());
    if (push.qos() > 0) inboundLimit.grantAckCredit();
    // once a second app is bound, every push names its app
    String app = bindings.size() > 1 ? b.app() : null;
    if (encoding == WireEncoding.JSON) {
      transport.writeText(
          FrameCodec.push(push.id(), push.qos(), push.seq(), push.bseq(), push.data(), app));
    } else {
      transport.writeBytes(
          CborCodec.push(push.id(), push.qos(), push.seq(), push.bseq(), push.data(), app), true);
    }
  }

  /** A QoS 1 broadcast the connection delivers itself ({@link BroadcastDelivery}). */
  private void writeBroadcast(SessionBinding b, BroadcastEntry e) {
    if (state == State.CLOSING || bindings.get(b.app()) != b || !b.attached) return;
    writeBroadcast(b, e.id(), e.bseq(), e.data(), e.sentAtMillis());
  }

  /** A QoS 1 broadcast: the same bytes for every connection of the app on this node. */
  private void writeBroadcast(
      SessionBinding b, String id, long bseq, String data, long sentAtMillis) {
    b.meters.delivered(1).increment();
    gw.messages().recordDelivery(sentAtMillis);
    inboundLimit.grantAckCredit();
    SharedFrame frame = gw.broadcastFrames().frame(b.app(), id, bseq, data, bindings.size() > 1);
    transport.writeShared(frame, encoding);
  }

  // ---- live pushes (QoS 0 broadcasts, topics) ----

  @Override
  public void writeLive(LivePush push, SharedFrame frame) {
    try {
      transport
          .executor()
          .execute(
              () -> {
                if (state != State.OPEN) return;
                SessionBinding b = bindings.get(push.app());
                if (b == null || !b.attached) return;
                if (push.topic() != null && b.topics.holdBack(push)) return;
                if (!transport.writable()) {
                  gw.metrics().droppedQos0.increment();
                  b.meters.droppedSlowConsumer.increment();
                  return;
                }
                b.meters.deliveredQos0.increment();
                transport.writeShared(frame, encoding);
              });
    } catch (RejectedExecutionException e) {
      // connection gone: it is closing, and QoS 0 may be dropped
    }
  }

  // ---- closing ----

  /**
   * Node drain: a client that is past hello is told to reconnect elsewhere after {@code
   * afterMillis} (it then closes the socket itself); a client that has not said hello yet is closed
   * with 1001.
   */
  public void advertiseReconnect(long afterMillis, Function<SessionId, List<String>> endpointsFor) {
    if (state == State.CLOSING) return;
    if (primary == null || state == State.OPENING || state == State.AWAITING_HELLO) {
      goAway();
      return;
    }
    write(FrameCodec.reconnect(afterMillis, endpointsFor.apply(primary.sessionId)));
  }

  /** Graceful stop of the node: close with 1001. */
  public void goAway() {
    closeWith(CloseCode.GOING_AWAY, null, null);
  }

  /** Sends an optional error frame, then the one close (see {@link Transport#close}). */
  private void closeWith(CloseCode code, ClientErrorCode error, String message) {
    if (state == State.CLOSING) return;
    state = State.CLOSING;
    closeCode = code.code();
    closeReason = code.reason();
    cancelTimers();
    if (error != null) sendError(error, message);
    transport.close(code.code(), code.reason());
    if (code == CloseCode.SLOW_CONSUMER) {
      // the 4002 frame cannot reach a client that does not read: this line is the only record
      log.info(
          "closing {} with 4002 slow_consumer: it read nothing of its backlog for {}",
          connectionLabel(),
          settings.slowConsumerTimeout());
    } else if (log.isDebugEnabled()) {
      log.debug("closing {} with {}", connectionLabel(), code);
    }
  }

  // ---- helpers ----

  private void sendError(ClientErrorCode code, String message) {
    write(FrameCodec.error(code, message));
  }

  /** Writes one server frame given in its JSON form, in this connection's encoding. */
  private void write(String json) {
    if (encoding == WireEncoding.JSON) {
      transport.writeText(json);
    } else {
      transport.writeBytes(CborCodec.fromJson(json), true);
    }
  }

  private void releaseAdmission() {
    if (!admitted) return;
    admitted = false;
    gw.admission().done();
  }

  /**
   * Every close path comes here: the timers stop and a place in the admission bound is given back.
   */
  private void cancelTimers() {
    releaseAdmission();
    cancel(helloTimer);
    for (SessionBinding b : bindings.values()) cancel(b.attachTimer);
    transport.stopWatchingSilence();
  }

  private static void cancel(Transport.Timer timer) {
    if (timer != null) timer.cancel();
  }

  /** For logs: the connection id and session once known, else the peer's address. */
  public String connectionLabel() {
    return primary == null
        ? "connection " + transport.remoteLabel()
        : "connection " + primary.info.connectionId() + " (" + primary.sessionId + ")";
  }
}
