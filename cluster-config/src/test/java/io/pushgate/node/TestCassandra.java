package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real Cassandra nodes for the tests, started by the project's own launcher ({@code ./pushgate
 * cassandra}, persistence/cassandra/launch) on 127.0.0.21, .22, ... with their data under {@code
 * cluster-config/target/cassandra}, so they never meet a developer's cluster on 127.0.0.1-3.
 * Started on first use, shared by every test of this JVM, stopped when the JVM exits.
 */
final class TestCassandra {

  static final int IP_BASE = 21;
  static final Path HOME = Path.of("target", "cassandra").toAbsolutePath();
  private static int started;

  private TestCassandra() {}

  /** The CQL address of node {@code k} (1-based). */
  static String contactPoint(int k) {
    return "127.0.0." + (IP_BASE + k - 1) + ":9042";
  }

  /**
   * Makes sure nodes 1..{@code count} run (starting them one after another), and that they are
   * stopped at exit.
   */
  static synchronized void ensureNodes(int count) throws IOException, InterruptedException {
    if (started == 0)
      Runtime.getRuntime()
          .addShutdownHook(new Thread(TestCassandra::stopAll, "stop-test-cassandra"));
    for (int k = 1; k <= count; k++) launch("node", String.valueOf(k));
    started = Math.max(started, count);
  }

  /** kill -9 of node {@code k} (a failure drill). */
  static void kill(int k) throws IOException, InterruptedException {
    launch("kill", String.valueOf(k));
  }

  /** Starts node {@code k} again after a kill or stop. */
  static void restart(int k) throws IOException, InterruptedException {
    launch("node", String.valueOf(k));
  }

  /** Node 1 running, and a node's config on it with keyspace {@code keyspace} (replication 1). */
  static Config oneNode(String keyspace) throws IOException, InterruptedException {
    ensureNodes(1);
    return nodeConfig(keyspace, 1, 1);
  }

  /**
   * A single node's config on Cassandra: keyspace {@code keyspace} (new per test class, so runs
   * never see each other's sessions), replication {@code rf}, contact points of nodes 1..{@code
   * nodes}.
   */
  static Config nodeConfig(String keyspace, int nodes, int rf) {
    List<String> points = new ArrayList<>();
    for (int k = 1; k <= nodes; k++) points.add(contactPoint(k));
    Map<String, Object> v = new HashMap<>();
    v.put("pushgate.journal", "cassandra");
    v.put("pushgate.cassandra.contact-points", String.join(",", points));
    v.put("pushgate.cassandra.keyspace", keyspace);
    v.put("pushgate.cassandra.replication-factor", rf);
    return ConfigFactory.parseMap(v);
  }

  private static void launch(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(NodeScripts.ROOT.resolve("pushgate").toString(), "cassandra"));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("cassandra-launch", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(NodeScripts.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("PUSHGATE_CASSANDRA_HOME", HOME.toString());
    builder.environment().put("PUSHGATE_CASSANDRA_IP_BASE", String.valueOf(IP_BASE));
    Process process = builder.start();
    boolean ended = process.waitFor(10, TimeUnit.MINUTES);
    if (!ended) process.destroyForcibly().waitFor();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertEquals(
        0,
        ended ? process.exitValue() : -1,
        "./pushgate cassandra " + String.join(" ", args) + " failed:\n" + output);
  }

  private static void stopAll() {
    try {
      launch("stop");
    } catch (Exception | AssertionError e) {
      System.err.println("could not stop the test Cassandra nodes: " + e);
    }
  }
}
