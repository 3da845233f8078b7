package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fault injection under QoS 1 traffic: one node process on a MariaDB and a Redis of the test's own
 * (the machine's services stay untouched), each frozen (SIGSTOP) and stopped (SIGTERM) in turn
 * while senders keep posting and clients keep acking. Each fault checks what the contract
 * says: the API fails within its documented time with the documented code, {@code /ready} says so
 * promptly with the documented body, the node recovers without a restart, and the log gets a
 * bounded number of lines (one per state change, not one per request, no stack-trace floods). At
 * the end every message answered 202 has reached its client. The measured figures are printed
 * (docs/operations.md quotes them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

  private static final Duration FAULT = Duration.ofSeconds(Long.getLong("faults.seconds", 8));

  private PrivateService db;
  private PrivateService redis;
  private NodeProcess node;
  private FaultDrill drill;
  private boolean injected;

  @BeforeAll
  void start() throws Exception {
    Path dir = Path.of("target", "faults-" + UUID.randomUUID().toString().substring(0, 8));
    db = PrivateService.mariaDb(dir.resolve("mariadb"));
    redis = PrivateService.redis(dir.resolve("redis"));
    node =
        NodeProcess.start(
            "faults",
            TestNodes.freePort(),
            List.of(),
            Map.of(
                "pushgate.db.url", db.jdbcUrl(),
                "pushgate.redis.uri", redis.redisUri()));
    node.awaitReady(Duration.ofSeconds(120));
    drill = new FaultDrill(node, FAULT).start();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (drill != null) {
        if (injected) drill.finish("fault injection (one node, private MariaDB and Redis)");
        else drill.abort();
      }
    } finally {
      if (node != null) node.destroy();
      if (db != null) db.close();
      if (redis != null) redis.close();
    }
  }

  private FaultDrill.Outcome inject(
      String fault, FaultDrill.Action inject, FaultDrill.Action heal, String marker, int status)
      throws Exception {
    injected = true;
    return drill.inject(fault, inject, heal, marker, status);
  }

  // ---- the faults ----

  @Test
  @Order(1)
  void frozenDatabase() throws Exception {
    FaultDrill.Outcome o =
        inject("MariaDB frozen (SIGSTOP)", db::freeze, db::thaw, "journal_unreachable", 503);
    assertDatabaseFault(o);
  }

  @Test
  @Order(2)
  void stoppedDatabase() throws Exception {
    FaultDrill.Outcome o =
        inject(
            "MariaDB stopped (SIGTERM) and restarted",
            db::stop,
            db::start,
            "journal_unreachable",
            503);
    assertDatabaseFault(o);
  }

  @Test
  @Order(3)
  void frozenRedis() throws Exception {
    FaultDrill.Outcome o =
        inject("Redis frozen (SIGSTOP)", redis::freeze, redis::thaw, "redis-rate-limits", 200);
    assertRedisFault(o);
  }

  @Test
  @Order(4)
  void stoppedRedis() throws Exception {
    FaultDrill.Outcome o =
        inject(
            "Redis stopped (SIGTERM) and restarted",
            redis::stop,
            redis::start,
            "redis-rate-limits",
            200);
    assertRedisFault(o);
  }

  private void assertDatabaseFault(FaultDrill.Outcome o) {
    assertTrue(
        o.firstFailureMillis() >= 0 && o.firstFailureMillis() < 8_000,
        "the API fails within ask-timeout + margin: " + o);
    assertTrue(
        o.codes().stream()
            .allMatch(c -> c.equals("503 unavailable") || c.equals("503 idempotency_unavailable")),
        "documented codes only: " + o.codes());
    assertTrue(
        o.readyMillis() >= 0 && o.readyMillis() < 5_000,
        "/ready turns 503 journal_unreachable promptly: " + o);
    assertTrue(o.readyAnswerMaxMillis() < 1_000, "/ready answers at once even now: " + o);
    assertTrue(
        o.recoveredMillis() >= 0 && o.readyAgainMillis() >= 0, "recovers without a restart: " + o);
    assertTrue(
        o.stackLines() <= 150,
        "no stack-trace floods (a few events, 15 frames per exception): " + o);
    assertTrue(o.warnLines() <= 10, "bounded log noise: " + o);
  }

  private void assertRedisFault(FaultDrill.Outcome o) {
    assertTrue(
        o.firstFailureMillis() >= 0 && o.firstFailureMillis() < 3_000,
        "idempotent sends fail within the Redis timeout + margin: " + o);
    assertEquals(
        Set.of("503 idempotency_unavailable"),
        Set.copyOf(o.codes()),
        "only idempotent sends fail, with the documented code");
    assertTrue(
        o.plainAcceptedDuringFault() > 0, "sends without a key go on (rate limits per node): " + o);
    assertTrue(
        o.readyMillis() >= 0 && o.readyMillis() < 5_000, "/ready reports degraded promptly: " + o);
    assertTrue(
        o.recoveredMillis() >= 0 && o.readyAgainMillis() >= 0, "recovers without a restart: " + o);
    assertTrue(o.stackLines() <= 10, "no stack-trace floods: " + o);
    assertTrue(o.warnLines() <= 10, "bounded log noise: " + o);
  }
}
