package io.pushgate.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.api.ApiRoutes;
import io.pushgate.api.ApiServer;
import io.pushgate.api.ApiServices;
import io.pushgate.api.BackendHookRoutes;
import io.pushgate.api.DispatchRoutes;
import io.pushgate.api.dispatch.ReconnectPolicy;
import io.pushgate.api.grpc.GrpcApiServer;
import io.pushgate.api.grpc.GrpcApiSettings;
import io.pushgate.api.push.MobilePush;
import io.pushgate.api.upstream.HttpUpstream;
import io.pushgate.api.webhook.Webhooks;
import io.pushgate.auth.ClientTokens;
import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.broadcast.BroadcastHub;
import io.pushgate.concurrent.Continuations;
import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.BackendHooks;
import io.pushgate.gateway.DrainSettings;
import io.pushgate.gateway.GatewayDeps;
import io.pushgate.gateway.GatewayServer;
import io.pushgate.gateway.GatewayTls;
import io.pushgate.gateway.SessionDirectory;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.node.console.LocalApi;
import io.pushgate.node.dispatch.ClusterEndpointDirectory;
import io.pushgate.node.health.JournalHealth;
import io.pushgate.node.metrics.NodeMetrics;
import io.pushgate.persistence.JournalStore;
import io.pushgate.session.SessionSharding;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable Pushgate node: migrates the schema, starts the actor system, joins the cluster,
 * starts the session shard region, the client gateway (Netty, {@code pushgate.gateway.port}), the
 * backend API and dispatch (Pekko HTTP, {@code pushgate.api.port}) and the operator endpoints
 * (Pekko Management).
 *
 * <p>{@link #main} is for the command line; {@link #start(Config)} starts the same wiring for tests
 * and returns a handle. Shutdown runs through Pekko's coordinated shutdown (Ctrl-C, SIGTERM): the
 * gateway drains its clients to the other nodes, the API finishes the requests in progress, then
 * the node leaves the cluster and sharding hands off its sessions.
 */
public final class PushgateNode {

  private static final Logger log = LoggerFactory.getLogger(PushgateNode.class);

  /** The actor system name; identical on every node of a cluster. */
  public static final String SYSTEM_NAME = "pushgate";

  private final ActorSystem<Void> system;
  private final GatewayServer gateway;
  private final ApiServer api;
  private final GrpcApiServer grpc;
  private final String managementUri;

  private PushgateNode(ActorSystem<Void> system, Listeners listeners, String managementUri) {
    this.system = system;
    this.gateway = listeners.gateway();
    this.api = listeners.api();
    this.grpc = listeners.grpc();
    this.managementUri = managementUri;
  }

  /** A gateway node's two listeners. */
  private record Listeners(GatewayServer gateway, ApiServer api, GrpcApiServer grpc) {}

  /**
   * The gRPC API on {@code pushgate.api.grpc} (null when disabled), serving the same services as
   * the HTTP API.
   */
  private static CompletionStage<GrpcApiServer> startGrpc(
      ActorSystem<Void> system, ApiServices services) {
    Config config = system.settings().config();
    GrpcApiSettings settings = GrpcApiSettings.fromConfig(config);
    if (!settings.enabled()) return CompletableFuture.completedFuture(null);
    Optional<SSLContext> tls =
        settings.tls() ? GatewayTls.jdkContextFromConfig(config) : Optional.empty();
    return GrpcApiServer.start(system, new GrpcApiServer.Deps(services, settings, tls));
  }

  public static void main(String[] args) {
    int commonPool = Continuations.ensureCommonPoolParallelism();
    if (commonPool < Continuations.MIN_COMMON_POOL_PARALLELISM) {
      log.warn(
          "ForkJoinPool.commonPool parallelism is {}: library continuations will start a thread each;"
              + " run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
          commonPool);
    }
    try {
      start(ConfigFactory.load()).toCompletableFuture().join();
    } catch (RuntimeException e) {
      log.error("Pushgate failed to start: {}", rootMessage(e), e);
      System.exit(1);
    }
  }

  /**
   * Migrates the journal schema (JDBC: blocking, before any actor runs; Cassandra: through the new
   * actor system, before any entity starts), then starts the node. The stage fails if the migration
   * or any listener fails; the actor system is then terminated.
   */
  public static CompletionStage<PushgateNode> start(Config config) {
    ManagementAuth.fromConfig(
        config.resolve()); // refuse an unauthenticated management port beyond loopback
    JournalStore store = JournalStore.fromConfig(config);
    Config clustered = ClusterSettings.fromConfig(config).applyTo(config, store);
    store.prepare();
    Config full = store.overlay().withFallback(clustered).resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, full);
    log.info("Journal: {}", store.describe());
    try {
      return store
          .migrate(system)
          .thenComposeAsync(done -> init(system), system.executionContext())
          .whenComplete(
              (node, error) -> {
                if (error != null) system.terminate();
              });
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /** Wires the node's components into a running actor system. */
  public static CompletionStage<PushgateNode> init(ActorSystem<Void> system) {
    Config config = system.settings().config();
    NodeMetrics.get(system); // the exporting registry before any meter is made
    joinSelfIfNoSeedNodes(system, config);

    ClusterSettings cluster = ClusterSettings.fromConfig(config);
    AppRegistry apps = AppRegistry.fromConfig(config);
    DevCredentialsWarning.logIfInUse(apps);
    Webhooks webhooks = Webhooks.start(system);
    NodeMetrics.get(system).bindWebhooks(webhooks, apps);
    MobilePush push = MobilePush.start(system, config);
    SessionSharding sessions = SessionSharding.init(system, webhooks, push);
    startAppTopics(system, apps);

    ClusterEndpointDirectory directory =
        ClusterEndpointDirectory.start(
            system, config.getDuration("pushgate.dispatch.shard-poll-interval"));

    CompletionStage<Listeners> listeners;
    if (cluster.has(ClusterSettings.ROLE_GATEWAY)) {
      ClientTokens tokens = new ClientTokens();
      ApiAssembly api = ApiAssembly.create(system, sessions, apps, tokens);
      HttpUpstream upstream = HttpUpstream.start(system, apps, sessions);
      NodeMetrics.get(system).bindUpstream(upstream, apps);
      ApiRoutes apiRoutes = new ApiRoutes(api.services());
      Route routes =
          Directives.concat(
              new DispatchRoutes(apps, tokens, directory, ReconnectPolicy.fromConfig(config))
                  .route(),
              new BackendHookRoutes(apps, webhooks, upstream).route(),
              apiRoutes.route());
      CompletionStage<GatewayServer> gateway =
          GatewayServer.start(
                  system,
                  GatewayDeps.of(system, SessionDirectory.of(sessions), apps)
                      .withRate(api.rate())
                      .withBackend(new BackendHooks(webhooks, upstream)))
              .thenApply(
                  server -> {
                    directory.publish(publicEndpoint(config, server));
                    return server;
                  });
      CompletionStage<ApiServer> apiServer =
          ApiServer.start(system, routes, apiRoutes.directSends());
      CompletionStage<GrpcApiServer> grpcServer = startGrpc(system, api.services());
      listeners =
          gateway
              .thenCombine(apiServer, (g, a) -> new Listeners(g, a, null))
              .thenCombine(grpcServer, (l, grpc) -> new Listeners(l.gateway(), l.api(), grpc));
      // a listener that bound while the other failed is released with the actor system
    } else {
      listeners = CompletableFuture.completedFuture(new Listeners(null, null, null));
    }
    // starts probing, so /ready knows the journal's state from the start
    NodeMetrics.get(system).bindJournalHealth(JournalHealth.get(system));
    ManagementAuth auth = ManagementAuth.fromConfig(config);
    CompletionStage<String> management =
        PekkoManagement.get(system).start(auth::applyTo).thenApply(uri -> uri.toString());

    return listeners.thenCombine(
        management,
        (up, managementUri) -> {
          registerShutdownTasks(system, up, directory);
          if (up.gateway() != null) NodeMetrics.get(system).bindGateway(up.gateway().metrics());
          if (up.api() != null) LocalApi.get(system).bound(up.api().localAddress());
          log.info(
              "Pushgate node up: roles {}, clients on {}, API on {}, gRPC API on {}, management on {}, cluster address {}",
              cluster.roles(),
              up.gateway() == null ? "(not a gateway)" : up.gateway().localAddress(),
              up.api() == null ? "(not a gateway)" : up.api().localAddress(),
              up.grpc() == null ? "(off)" : up.grpc().localAddress(),
              managementUri,
              Cluster.get(system).selfMember().address());
          return new PushgateNode(system, up, managementUri);
        });
  }

  /**
   * Logs drain start and end; drains and stops the gateway (if any) before the node leaves the
   * cluster: clients are told to reconnect to the other nodes, spread over {@code
   * pushgate.gateway.drain.spread}. The API serves through the drain, then finishes the requests in
   * progress on both API ports, HTTP and gRPC (up to {@code pushgate.api.stop-timeout}), and
   * closes.
   */
  private static void registerShutdownTasks(
      ActorSystem<Void> system, Listeners listeners, ClusterEndpointDirectory directory) {
    GatewayServer server = listeners.gateway();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "pushgate-log-stop",
        () -> {
          log.info("Pushgate node stopping: closing client connections, handing off sessions");
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    if (server != null) {
      Config config = system.settings().config();
      DrainSettings drain = DrainSettings.fromConfig(config);
      String own = publicEndpoint(config, server);
      shutdown.addTask(
          CoordinatedShutdown.PhaseServiceUnbind(),
          "pushgate-gateway-drain",
          () ->
              server
                  .drain(drain, session -> without(directory.endpointsFor(session), own))
                  .thenCompose(drained -> server.stop()));
    }
    // both API ports finish the requests in progress, up to the same deadline
    Duration apiDeadline = system.settings().config().getDuration("pushgate.api.stop-timeout");
    if (listeners.api() != null) {
      shutdown.addTask(
          CoordinatedShutdown.PhaseServiceRequestsDone(),
          "pushgate-api-stop",
          () -> listeners.api().stop(apiDeadline));
    }
    if (listeners.grpc() != null) {
      shutdown.addTask(
          CoordinatedShutdown.PhaseServiceRequestsDone(),
          "pushgate-grpc-api-stop",
          () -> listeners.grpc().stop(apiDeadline));
    }
    shutdown.addTask(
        CoordinatedShutdown.PhaseActorSystemTerminate(),
        "pushgate-log-stopped",
        () -> {
          log.info("Pushgate node stopped");
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  /**
   * Starts this node's pub/sub topic actors of every app up front, so the first broadcast after
   * start-up finds the other nodes' subscribers already known.
   */
  private static void startAppTopics(ActorSystem<?> system, AppRegistry apps) {
    ClusterTopics topics = ClusterTopics.get(system);
    for (App app : apps.all()) {
      topics.topic(LivePush.class, LivePush.clusterTopic(app.id(), null));
      topics.topic(BroadcastEntry.class, BroadcastHub.announcementTopic(app.id()));
    }
  }

  private static List<String> without(List<String> endpoints, String own) {
    return endpoints.stream().filter(e -> !e.equals(own)).toList();
  }

  /** The client endpoint this node advertises through dispatch. */
  static String publicEndpoint(Config config, GatewayServer server) {
    String configured = config.getString("pushgate.dispatch.public-endpoint").trim();
    if (!configured.isEmpty()) return configured;
    String host = config.getString("pekko.remote.artery.canonical.hostname");
    return (server.tls() ? "wss://" : "ws://")
        + host
        + ":"
        + server.localAddress().getPort()
        + "/v1/ws";
  }

  private static void joinSelfIfNoSeedNodes(ActorSystem<?> system, Config config) {
    if (config.getList("pekko.cluster.seed-nodes").isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /**
   * Where clients connect (the actual port when 0 was configured); null on a node without the
   * gateway role.
   */
  public InetSocketAddress gatewayAddress() {
    return gateway == null ? null : gateway.localAddress();
  }

  /**
   * Where backends call the API and clients ask dispatch (the actual port when 0 was configured);
   * null on a node without the gateway role.
   */
  public InetSocketAddress apiAddress() {
    return api == null ? null : api.localAddress();
  }

  /**
   * Where backends call the gRPC API (the actual port when 0 was configured); null on a node
   * without the gateway role or with {@code pushgate.api.grpc.enabled = false}.
   */
  public InetSocketAddress grpcAddress() {
    return grpc == null ? null : grpc.localAddress();
  }

  public String managementUri() {
    return managementUri;
  }

  /** Runs coordinated shutdown and completes when the actor system has terminated. */
  public CompletionStage<Done> stop(Duration timeout) {
    CompletableFuture<Done> done = system.getWhenTerminated().toCompletableFuture();
    CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());
    return done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getMessage();
  }
}
