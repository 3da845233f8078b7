package io.pushgate.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.ApiTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paced sends over real HTTP against a real node: a multicast above the app's send rate is accepted
 * (202 "paced") instead of refused, reaches every recipient no faster than the rate, survives a
 * node restart, and a full queue is refused with 429 send_queue_full.
 */
class PacedSendsIT {

  private static final String APP = "slow";
  @TempDir Path dataDir;

  /** The node's storage (here embedded H2; {@link CassandraPacedSendsIT}: Cassandra). */
  Config storage() throws Exception {
    return TestNodes.h2Node(dataDir);
  }

  private Config config() throws Exception {
    return ConfigFactory.parseString(
            "pushgate.apps.slow.limits { send-rate = 5, send-burst = 5 }\n"
                + "pushgate.api.paced.max-queued-recipients = 30\n"
                + "pushgate.redis.enabled = false")
        .withFallback(TestNodes.withApps(storage(), APP));
  }

  private static String multicast(String prefix, int n) {
    String to =
        IntStream.range(0, n)
            .mapToObj(i -> "\"" + prefix + i + "\"")
            .collect(Collectors.joining(","));
    return "{\"to\":[" + to + "],\"qos\":1,\"ttl\":600,\"data\":\"paced\"}";
  }

  private static long queuedUsers(ApiTestClient api, String prefix, int n) throws Exception {
    long queued = 0;
    for (int i = 0; i < n; i++) {
      if (api.get("/v1/apps/" + APP + "/users/" + prefix + i).json().path("pending").asInt() == 1)
        queued++;
    }
    return queued;
  }

  @Test
  void aMulticastAboveTheRateIsAcceptedAndDrainsAtTheRateAndAFullQueueIsRefused() throws Exception {
    PushgateNode node = TestNodes.start(config());
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(node), TestNodes.apiKey(APP));
      long start = System.nanoTime();
      ApiTestClient.Reply reply = api.post("/v1/apps/" + APP + "/messages", multicast("p", 20));
      assertEquals(202, reply.status(), reply.toString());
      JsonNode paced = reply.json().path("paced");
      assertEquals(20, paced.path("recipients").asInt(), reply.toString());

      ApiTestClient.Reply full = api.post("/v1/apps/" + APP + "/messages", multicast("q", 20));
      assertEquals(429, full.status(), full.toString());
      assertEquals("send_queue_full", full.json().path("code").asText());

      await().atMost(Duration.ofSeconds(60)).until(() -> queuedUsers(api, "p", 20) == 20);
      double seconds = (System.nanoTime() - start) / 1e9;
      // 20 recipients at 5/s with a burst of 5 cannot all be queued in much under 3 s
      assertTrue(
          seconds >= 2.0, "20 recipients drained in " + seconds + " s at a send rate of 5/s");
      ApiTestClient.Reply single =
          api.post("/v1/apps/" + APP + "/messages", multicast("single", 1));
      assertTrue(single.status() == 202 || single.status() == 429, single.toString());
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void anAcceptedPacedSendSurvivesANodeRestart() throws Exception {
    PushgateNode first = TestNodes.start(config());
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(first), TestNodes.apiKey(APP));
      ApiTestClient.Reply reply = api.post("/v1/apps/" + APP + "/messages", multicast("r", 25));
      assertEquals(202, reply.status(), reply.toString());
      assertEquals(25, reply.json().path("paced").path("recipients").asInt());
    } finally {
      TestNodes.stop(first); // at 5/s, most of the 25 are still queued
    }
    PushgateNode second = TestNodes.start(config());
    try {
      ApiTestClient api = ApiTestClient.node(TestNodes.apiHostPort(second), TestNodes.apiKey(APP));
      await().atMost(Duration.ofSeconds(60)).until(() -> queuedUsers(api, "r", 25) == 25);
    } finally {
      TestNodes.stop(second);
    }
  }
}
