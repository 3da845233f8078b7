package io.pushgate.gateway.connection;

import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.SessionDirectory;
import io.pushgate.gateway.SubscriptionSettings;
import io.pushgate.auth.ClientTokens;
import io.pushgate.callback.CallbackSink;
import io.pushgate.gateway.BackendHooks;
import io.pushgate.gateway.UpstreamSettings;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.LocalConnections;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * What every client connection of one gateway node shares, whatever its transport. Immutable
 * except for the counters; thread-safe. Knows nothing of sockets: the transports hold their own
 * listener state.
 */
public final class GatewayContext {

  private final GatewaySettings settings;
  private final ActorSystem<?> system;
  private final SessionDirectory sessions;
  private final AppRegistry apps;
  private final ClientTokens tokens;
  private final String nodeAddress;
  private final GatewayMetrics metrics;
  private final MessageMeters messages;
  private final String connectionIdPrefix;
  private final AtomicLong connectionCounter = new AtomicLong();
  private final LiveFanOut liveFanOut;
  private final BroadcastFrames broadcastFrames = new BroadcastFrames();
  private final BroadcastLoops broadcastLoops;
  private final SubscriptionSettings subscriptions;
  private final BackendHooks backend;
  private final UpstreamSettings upstream;
  private final LocalConnections localConnections;
  private final ConnectionAdmission admission;
  /** The node's connection router and its routes, or null when each connection has its own actor ({@code route-through-node = false}). */
  private final ConnectionRouter.Routes routes;
  private final ActorRef<Object> router;

  /**
   * @param nodeAddress the cluster self address, reported in {@code ConnectionInfo.node}
   * @param backend     where callbacks and upstream data go
   */
  public GatewayContext(
      GatewaySettings settings,
      ActorSystem<?> system,
      SessionDirectory sessions,
      AppRegistry apps,
      ClientTokens tokens,
      String nodeAddress,
      GatewayMetrics metrics,
      LiveFanOut liveFanOut,
      SubscriptionSettings subscriptions,
      UpstreamSettings upstream,
      BackendHooks backend) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.system = Objects.requireNonNull(system, "system");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.apps = Objects.requireNonNull(apps, "apps");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.nodeAddress = Objects.requireNonNull(nodeAddress, "nodeAddress");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.messages = PushgateMeters.get(system).messages();
    this.localConnections = LocalConnections.get(system);
    this.admission = new ConnectionAdmission(settings.maxAttaching());
    metrics.bindAdmission(admission);
    this.liveFanOut = Objects.requireNonNull(liveFanOut, "liveFanOut");
    this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.backend = Objects.requireNonNull(backend, "backend");
    BroadcastFeed feed = sessions.broadcastFeed();
    this.broadcastLoops = feed == null ? null : new BroadcastLoops(feed, apps::sendRate);
    // random per server start, so ids stay unique across restarts of a node with the same address
    this.connectionIdPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    if (settings.routeThroughNode()) {
      this.routes = new ConnectionRouter.Routes();
      this.router = system.systemActorOf(ConnectionRouter.create(routes, sessions), "pushgate-connections-" + connectionIdPrefix, Props.empty());
    } else {
      this.routes = null;
      this.router = null;
    }
  }

  /** Stops what this context started: the router, and the live fan-out it was given. Once, with the gateway server. */
  public void close() {
    if (router != null) router.tell(ConnectionRouter.Stop.INSTANCE);
    liveFanOut.stop();
  }

  /** The node's connection router ({@link ConnectionRouter}), or null when each connection has its own actor. */
  ActorRef<Object> router() {
    return router;
  }

  /** The router's routes, or null when each connection has its own actor. */
  ConnectionRouter.Routes routes() {
    return routes;
  }

  /** The node's bound on connections between hello and welcome ({@code max-attaching}). */
  public ConnectionAdmission admission() {
    return admission;
  }

  public GatewaySettings settings() {
    return settings;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public SessionDirectory sessions() {
    return sessions;
  }

  public AppRegistry apps() {
    return apps;
  }

  public ClientTokens tokens() {
    return tokens;
  }

  public String nodeAddress() {
    return nodeAddress;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The node's message meters (delivered, dropped, delivery latency), per app. */
  public MessageMeters messages() {
    return messages;
  }

  /** This node's QoS 0 live fan-out (app-wide broadcasts, topics). */
  public LiveFanOut liveFanOut() {
    return liveFanOut;
  }

  /** Where this node's connections register for sessions on this node to write to them directly. */
  LocalConnections localConnections() {
    return localConnections;
  }

  /**
   * This node's QoS 1 broadcasts when connections deliver them, followed once per event loop and
   * app; null when sessions deliver them.
   */
  BroadcastLoops broadcastLoops() {
    return broadcastLoops;
  }

  /** QoS 1 broadcast push frames, encoded once per node. */
  BroadcastFrames broadcastFrames() {
    return broadcastFrames;
  }

  public SubscriptionSettings subscriptions() {
    return subscriptions;
  }

  /** Status callbacks (connected / disconnected). */
  public CallbackSink callbacks() {
    return backend.callbacks();
  }

  /** Where upstream data goes, and its per-connection bounds. */
  public BackendHooks backend() {
    return backend;
  }

  public UpstreamSettings upstreamSettings() {
    return upstream;
  }

  /**
   * A connection id unique across nodes and restarts: a random per-server prefix and a counter.
   * Only {@code [a-z0-9-]}, so it is also usable in actor names.
   */
  public String newConnectionId() {
    return connectionIdPrefix + "-" + Long.toString(connectionCounter.incrementAndGet(), 36);
  }
}
