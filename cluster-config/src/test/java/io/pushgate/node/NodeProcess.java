package io.pushgate.node;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Pushgate node as a separate JVM process on the local MariaDB, for tests where a real process
 * must die ({@code kill -9}) or leave. Output goes to {@code target/node-<name>.log}. Always {@link
 * #destroy()} in a finally block or @AfterAll: no orphan JVMs.
 */
final class NodeProcess {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final int gatewayPort;
  final int apiPort;
  final int remotePort;
  final int managementPort;
  private final Process process;

  /** Where the node's stdout and stderr go. */
  final Path logFile;

  private NodeProcess(
      String name,
      int gatewayPort,
      int apiPort,
      int remotePort,
      int managementPort,
      Process process,
      Path logFile) {
    this.logFile = logFile;
    this.name = name;
    this.gatewayPort = gatewayPort;
    this.apiPort = apiPort;
    this.remotePort = remotePort;
    this.managementPort = managementPort;
    this.process = process;
  }

  /**
   * Starts a node joining {@code seedNodes}; {@code extra} are further -D settings.
   *
   * @param remotePort the node's cluster port (seeds must know it in advance)
   */
  static NodeProcess start(
      String name, int remotePort, List<String> seedNodes, Map<String, String> extra)
      throws Exception {
    return start(
        name,
        TestNodes.freePort(),
        TestNodes.freePort(),
        remotePort,
        TestNodes.freePort(),
        seedNodes,
        extra);
  }

  /** Starts a node on the given ports (e.g. to restart a killed node where it was). */
  static NodeProcess start(
      String name,
      int gatewayPort,
      int apiPort,
      int remotePort,
      int managementPort,
      List<String> seedNodes,
      Map<String, String> extra)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseG1GC", "-cp", classpath));
    Map<String, String> props = new TreeMap<>(extra);
    props.put("pushgate.gateway.host", "127.0.0.1");
    props.put("pushgate.gateway.port", String.valueOf(gatewayPort));
    // no process test uses the TCP port: one ephemeral bind fewer that could take a port this
    // harness picked with freePort() for another listener (seen once: management bind failed)
    props.putIfAbsent("pushgate.gateway.tcp.enabled", "false");
    props.put("pushgate.api.host", "127.0.0.1");
    props.put("pushgate.api.port", String.valueOf(apiPort));
    // an ephemeral gRPC port: the default 8083 would be shared by every node of the test
    props.putIfAbsent("pushgate.api.grpc.port", "0");
    props.put("pekko.remote.artery.canonical.port", String.valueOf(remotePort));
    props.put("pekko.management.http.port", String.valueOf(managementPort));
    props.put("pushgate.cluster.seed-nodes", String.join(",", seedNodes));
    props.putIfAbsent("pushgate.db.url", TestNodes.MARIADB_URL);
    props.putIfAbsent("pushgate.db.user", "root");
    props.putIfAbsent("pushgate.db.password", "");
    props.put("pushgate.gateway.drain.spread", "2s");
    props.put("pushgate.gateway.drain.grace", "1s");
    props.put("pekko.cluster.split-brain-resolver.stable-after", "5s");
    props.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("io.pushgate.node.PushgateNode");
    File log = Path.of("target", "node-" + name + "-" + System.nanoTime() + ".log").toFile();
    Files.createDirectories(log.toPath().getParent());
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    return new NodeProcess(
        name, gatewayPort, apiPort, remotePort, managementPort, process, log.toPath());
  }

  /** Waits until {@code /ready} answers 200 (member Up, journal reachable). */
  NodeProcess awaitReady(Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              if (!process.isAlive())
                throw new IllegalStateException(
                    "node " + name + " exited; see target/node-" + name + "-*.log");
              return status("/ready") == 200;
            });
    return this;
  }

  int status(String managementPath) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + managementPort + managementPath))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Where backends call the API (host:port). */
  String apiHostPort() {
    return "127.0.0.1:" + apiPort;
  }

  /** Where clients connect (host:port of the WebSocket port). */
  String gatewayHostPort() {
    return "127.0.0.1:" + gatewayPort;
  }

  /** The WebSocket endpoint clients open. */
  String endpoint() {
    return "ws://127.0.0.1:" + gatewayPort + "/v1/ws";
  }

  /** {@code kill -9}: SIGKILL on Linux; returns once the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS))
      throw new IllegalStateException("node " + name + " survived SIGKILL");
  }

  /** SIGTERM: graceful drain and leave; waits for the JVM to exit. */
  void terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("node " + name + " did not stop within " + timeout);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void destroy() {
    if (process.isAlive()) process.destroyForcibly();
  }
}
