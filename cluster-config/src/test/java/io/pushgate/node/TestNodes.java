package io.pushgate.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** Starts real nodes in this JVM for end-to-end tests: real sockets, real storage. */
final class TestNodes {

  static final String APP = "demo";
  static final String API_KEY = DevCredentialsWarning.PUBLISHED_API_KEY;
  static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

  /** {@link #freePort()} picks from here: below the kernel's ephemeral range. */
  private static final int PORT_LOW = 22_000;

  private static final int PORT_RANGE = 8_000;
  private static final AtomicInteger nextPort =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_RANGE));

  private TestNodes() {}

  /** Config of a node on embedded H2 under {@code dataDir}, with free ports. */
  static Config h2Node(Path dataDir) {
    return node(
        Map.of(
            "pushgate.db.url",
            "jdbc:h2:file:" + dataDir.resolve("pushgate") + ";DB_CLOSE_DELAY=-1"),
        freePort(),
        List.of());
  }

  /** The API key of an app added by {@link #withApps}. */
  static String apiKey(String app) {
    return "key-" + app;
  }

  /**
   * {@code config} with extra apps (their API key is {@link #apiKey}), e.g. one per test so that
   * app-wide broadcasts of one test do not reach the sessions of another.
   */
  static Config withApps(Config config, String... apps) {
    Map<String, Object> overrides = new HashMap<>();
    for (String app : apps) {
      overrides.put("pushgate.apps." + app + ".api-key", apiKey(app));
      overrides.put(
          "pushgate.apps." + app + ".token-secret",
          "token-secret-of-" + app + "-for-tests-only-0123456789");
    }
    return ConfigFactory.parseMap(overrides).withFallback(config);
  }

  /** Config of a node on the local MariaDB, joining {@code seedNodes} (empty: itself). */
  static Config mariaDbNode(int remotePort, List<String> seedNodes) {
    return node(
        Map.of(
            "pushgate.db.url", MARIADB_URL, "pushgate.db.user", "root", "pushgate.db.password", ""),
        remotePort,
        seedNodes);
  }

  static String seedAddress(int remotePort) {
    return "pekko://" + PushgateNode.SYSTEM_NAME + "@127.0.0.1:" + remotePort;
  }

  private static Config node(Map<String, Object> db, int remotePort, List<String> seedNodes) {
    Map<String, Object> overrides = new HashMap<>(db);
    overrides.put("pushgate.gateway.host", "127.0.0.1");
    overrides.put("pushgate.gateway.port", 0);
    overrides.put("pushgate.gateway.tcp.host", "127.0.0.1");
    overrides.put("pushgate.gateway.tcp.port", 0);
    overrides.put("pushgate.api.host", "127.0.0.1");
    overrides.put("pushgate.api.port", 0);
    overrides.put("pushgate.api.grpc.port", 0);
    overrides.put("pekko.remote.artery.canonical.port", remotePort);
    overrides.put("pekko.management.http.port", freePort());
    overrides.put("pekko.cluster.seed-nodes", seedNodes);
    overrides.put("pekko.coordinated-shutdown.exit-jvm", "off");
    overrides.put("pekko.loglevel", "WARNING");
    overrides.put("pushgate.gateway.drain.spread", "2s");
    overrides.put("pushgate.gateway.drain.grace", "1s");
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
  }

  /** Two nodes on MariaDB in one cluster (the first is the seed), both seeing two Up members. */
  static List<PushgateNode> startMariaDbPair(String... extraApps) throws Exception {
    return startMariaDbPair(ConfigFactory.empty(), extraApps);
  }

  /** As {@link #startMariaDbPair(String...)}, with {@code extra} laid over both nodes' config. */
  static List<PushgateNode> startMariaDbPair(Config extra, String... extraApps) throws Exception {
    int portA = freePort();
    int portB = freePort();
    List<String> seeds = List.of(seedAddress(portA));
    PushgateNode a = start(extra.withFallback(withApps(mariaDbNode(portA, seeds), extraApps)));
    PushgateNode b = start(extra.withFallback(withApps(mariaDbNode(portB, seeds), extraApps)));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> upMembers(a) == 2 && upMembers(b) == 2);
    return List.of(a, b);
  }

  static long upMembers(PushgateNode node) {
    return StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  static PushgateNode start(Config config) throws Exception {
    return PushgateNode.start(config).toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  static void stop(PushgateNode node) throws Exception {
    if (node != null)
      node.stop(Duration.ofSeconds(60)).toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** Where clients connect (host:port of the WebSocket listener). */
  static String hostPort(PushgateNode node) {
    return "127.0.0.1:" + node.gatewayAddress().getPort();
  }

  /** Where backends call the API and clients ask dispatch (host:port). */
  static String apiHostPort(PushgateNode node) {
    return "127.0.0.1:" + node.apiAddress().getPort();
  }

  /**
   * A port no listener holds, for a node that must know it before it starts (seeds, restarts).
   * Picked below the kernel's ephemeral range (32768-60999 by default), where nothing the OS hands
   * out for a port-0 bind or an outgoing connection can take it between the pick and the bind;
   * seen: a node's database pool took the remote port picked for the next node. Picks walk the
   * range from a random start, so two picks of one JVM never repeat within 8,000 ports.
   */
  static int freePort() {
    for (int tries = 0; tries < PORT_RANGE; tries++) {
      int port = PORT_LOW + Math.floorMod(nextPort.getAndIncrement(), PORT_RANGE);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // held by someone else: next
      }
    }
    throw new IllegalStateException(
        "no free port in " + PORT_LOW + "-" + (PORT_LOW + PORT_RANGE - 1));
  }
}
