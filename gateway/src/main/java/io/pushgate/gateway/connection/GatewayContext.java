package io.pushgate.gateway.connection;

import com.typesafe.config.Config;
import io.pushgate.auth.ClientTokens;
import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.callback.CallbackSink;
import io.pushgate.gateway.BackendHooks;
import io.pushgate.gateway.GatewayDeps;
import io.pushgate.gateway.GatewaySettings;
import io.pushgate.gateway.SessionDirectory;
import io.pushgate.gateway.SubscriptionSettings;
import io.pushgate.gateway.UpstreamSettings;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.LocalConnections;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What every client connection of one gateway node shares, whatever its transport. Immutable except
 * for the counters; thread-safe. Knows nothing of sockets: the transports hold their own listener
 * state.
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

  /**
   * The node's connection router and its routes, or null when each connection has its own actor
   * ({@code route-through-node = false}).
   */
  private final ConnectionRouter.Routes routes;

  private final ActorRef<Object> router;

  /**
   * The context of one gateway server: {@code deps} from the node; the token verifier, the node's
   * address in {@code ConnectionInfo.node}, the live fan-out (pacing live deliveries at {@code
   * deps.rate()}), the subscription and upstream settings made here from {@code system}. Starts the
   * node's connection router unless {@code route-through-node} is off; {@link #close} stops what it
   * started.
   */
  public static GatewayContext create(
      ActorSystem<?> system, GatewayDeps deps, GatewayMetrics metrics) {
    return new GatewayContext(system, deps, Objects.requireNonNull(metrics, "metrics"));
  }

  private GatewayContext(ActorSystem<?> system, GatewayDeps deps, GatewayMetrics metrics) {
    Config config = system.settings().config();
    this.settings = deps.settings();
    this.system = system;
    this.sessions = deps.sessions();
    this.apps = deps.apps();
    this.backend = deps.backend();
    this.tokens = new ClientTokens();
    this.nodeAddress = nodeAddress(system);
    this.metrics = metrics;
    this.messages = PushgateMeters.get(system).messages();
    this.localConnections = LocalConnections.get(system);
    this.admission = new ConnectionAdmission(settings.maxAttaching());
    metrics.bindAdmission(admission);
    this.subscriptions = SubscriptionSettings.fromConfig(config);
    this.upstream = UpstreamSettings.fromConfig(config);
    this.liveFanOut =
        LiveFanOut.start(system, apps, subscriptions.maxQueuedLivePushes(), deps.rate());
    BroadcastFeed feed = sessions.broadcastFeed();
    this.broadcastLoops = feed == null ? null : new BroadcastLoops(feed, apps::sendRate);
    // random per server start, so ids stay unique across restarts of a node with the same address
    this.connectionIdPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    if (settings.routeThroughNode()) {
      this.routes = new ConnectionRouter.Routes();
      this.router =
          system.systemActorOf(
              ConnectionRouter.create(routes, sessions),
              "pushgate-connections-" + connectionIdPrefix,
              Props.empty());
    } else {
      this.routes = null;
      this.router = null;
    }
  }

  /**
   * The cluster self address; the system's address where the system is not a cluster (some tests).
   */
  private static String nodeAddress(ActorSystem<?> system) {
    try {
      return Cluster.get(system).selfMember().address().toString();
    } catch (RuntimeException e) {
      return system.address().toString();
    }
  }

  /**
   * Stops what this context started: the router and the live fan-out. Once, with the gateway
   * server.
   */
  public void close() {
    if (router != null) router.tell(ConnectionRouter.Stop.INSTANCE);
    liveFanOut.stop();
  }

  /**
   * The node's connection router ({@link ConnectionRouter}), or null when each connection has its
   * own actor.
   */
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
