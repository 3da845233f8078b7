package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The storage drills of a Cassandra journal under QoS 1 traffic: three real Cassandra nodes
 * (started by the project's launcher), replication factor 3, LOCAL_QUORUM writes and reads, a
 * cluster of three Pushgate node processes taking sends and clients in turn. One Cassandra node
 * killed with {@code kill -9}: sends keep being accepted and {@code /ready} stays ready; the node
 * comes back and rejoins. Two killed: sends fail fast with {@code 503 unavailable}, {@code /ready}
 * turns 503 {@code journal_unreachable}, and service resumes without a restart when one comes back.
 * At the end every message answered 202 has reached its client. The measured figures are printed
 * (docs/operations.md quotes them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraFaultIT {

  private static final Duration FAULT = Duration.ofSeconds(Long.getLong("faults.seconds", 10));
  private static final String KEYSPACE = "faults_" + Long.toHexString(System.nanoTime());

  private final List<NodeProcess> nodes = new ArrayList<>();
  private FaultDrill drill;
  private boolean injected;

  @BeforeAll
  void start() throws Exception {
    TestCassandra.ensureNodes(3);
    Map<String, String> storage =
        Map.of(
            "pushgate.journal",
            "cassandra",
            "pushgate.cassandra.contact-points",
            String.join(
                ",",
                TestCassandra.contactPoint(1),
                TestCassandra.contactPoint(2),
                TestCassandra.contactPoint(3)),
            "pushgate.cassandra.keyspace",
            KEYSPACE,
            "pushgate.cassandra.replication-factor",
            "3");
    int port1 = TestNodes.freePort();
    int port2 = TestNodes.freePort();
    List<String> seeds = List.of(TestNodes.seedAddress(port1), TestNodes.seedAddress(port2));
    // the first node alone creates the new keyspace (Cassandra 5.0 does not coordinate concurrent
    // schema changes), then the others join
    nodes.add(
        NodeProcess.start("cassandra-faults-1", port1, seeds, storage)
            .awaitReady(Duration.ofSeconds(180)));
    nodes.add(NodeProcess.start("cassandra-faults-2", port2, seeds, storage));
    nodes.add(NodeProcess.start("cassandra-faults-3", TestNodes.freePort(), seeds, storage));
    for (NodeProcess node : nodes) node.awaitReady(Duration.ofSeconds(180));
    drill = new FaultDrill(nodes, FAULT).start();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (drill != null) {
        if (injected)
          drill.finish(
              "Cassandra drills (three node processes, three Cassandra nodes, RF 3, LOCAL_QUORUM)");
        else drill.abort();
      }
    } finally {
      for (NodeProcess node : nodes) node.destroy();
      TestCassandra.ensureNodes(3); // whatever a failed drill left down
    }
  }

  @Test
  @Order(1)
  void oneOfThreeKilledSendsGoOn() throws Exception {
    injected = true;
    FaultDrill.Outcome o =
        drill.inject(
            "Cassandra node 3 killed (kill -9), then restarted",
            () -> TestCassandra.kill(3),
            () -> TestCassandra.restart(3),
            "journal_unreachable",
            503);
    assertEquals(List.of(), o.codes(), "a quorum of replicas is up: no send fails: " + o);
    assertEquals(-1, o.readyMillis(), "/ready stays ready with one replica down: " + o);
    assertTrue(
        o.plainAcceptedDuringFault() > 0, "sends were accepted while the node was down: " + o);
  }

  @Test
  @Order(2)
  void twoOfThreeKilledSendsFailFastAndResume() throws Exception {
    injected = true;
    FaultDrill.Outcome o =
        drill.inject(
            "Cassandra nodes 2 and 3 killed (kill -9), node 2 restarted",
            () -> {
              TestCassandra.kill(2);
              TestCassandra.kill(3);
            },
            () -> TestCassandra.restart(2),
            "journal_unreachable",
            503);
    // a write that cannot reach a quorum fails after Cassandra's 2 s write timeout (or the driver's
    // 2 s request timeout and one retry elsewhere); the session stops and the API answers 503 at
    // its 5 s ask timeout
    assertTrue(
        o.firstFailureMillis() >= 0 && o.firstFailureMillis() < 15_000,
        "the API fails within ask-timeout + write timeouts + margin: " + o);
    assertTrue(
        o.codes().stream()
            .allMatch(c -> c.equals("503 unavailable") || c.equals("503 idempotency_unavailable")),
        "documented codes only: " + o.codes());
    assertTrue(
        o.readyMillis() >= 0 && o.readyMillis() < 10_000,
        "/ready turns 503 journal_unreachable: " + o);
    assertTrue(
        o.recoveredMillis() >= 0 && o.readyAgainMillis() >= 0, "recovers without a restart: " + o);
    TestCassandra.restart(3);
  }
}
