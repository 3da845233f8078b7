package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.broadcast.BroadcastCommand;
import io.pushgate.broadcast.Broadcasts;
import io.pushgate.testsupport.TcpTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TCP connections that share one stream interpreter ({@code pushgate.gateway.tcp.interpreters =
 * 1}): each is still a connection of its own (its failure ends nothing else), and the QoS 1
 * broadcasts that connections deliver themselves reach every one of them through the interpreter's
 * shared broadcast group, in order, and are not delivered again once acked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpSharedInterpreterTest {

  private GatewayTestNode node;

  @BeforeAll
  void start() throws Exception {
    node =
        new GatewayTestNode(
            "gateway-tcp-shared",
            "tcp.interpreters = 1, hello-timeout = 2s, close-timeout = 1s,"
                + " heartbeat.min-seconds = 1");
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private TcpTestClient welcomed(String user) throws Exception {
    TcpTestClient client = node.tcp();
    client.hello("demo", TestApps.token(user), 60);
    client.expectFrame("welcome");
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.status(user).online());
    return client;
  }

  private long publish(String id) {
    long now = System.currentTimeMillis();
    BroadcastCommand.PublishResult result =
        Broadcasts.get(node.testKit.system())
            .log("demo")
            .<BroadcastCommand.PublishResult>ask(
                (ActorRef<BroadcastCommand.PublishResult> replyTo) ->
                    new BroadcastCommand.Publish(
                        id, "{\"n\":\"" + id + "\"}", now, now + 60_000, null, replyTo),
                Duration.ofSeconds(15))
            .toCompletableFuture()
            .join();
    assertEquals(BroadcastCommand.PublishResult.Outcome.PUBLISHED, result.outcome());
    return result.bseq();
  }

  private static long expectBroadcast(TcpTestClient client, String id) throws Exception {
    JsonNode push = client.expectFrame("push");
    assertEquals(id, push.get("id").asText(), "push " + push);
    assertTrue(push.get("bseq").asLong() > 0, "a QoS 1 broadcast carries its bseq: " + push);
    return push.get("bseq").asLong();
  }

  @Test
  void qos1BroadcastsReachEveryConnectionOfTheInterpreterInOrderAndAckedOnesStayAcked()
      throws Exception {
    List<TcpTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) clients.add(welcomed("shared-b" + i));
    List<Long> bseqs = List.of(publish("sb-1"), publish("sb-2"), publish("sb-3"));
    for (TcpTestClient client : clients) {
      for (int i = 0; i < 3; i++)
        assertEquals(bseqs.get(i), expectBroadcast(client, "sb-" + (i + 1)));
      client.send("{\"t\":\"ack\",\"bseq\":" + bseqs.get(2) + "}");
    }
    // one client leaves after its ack and comes back: the next broadcast is the first it gets
    TcpTestClient leaving = clients.remove(0);
    leaving.sendClose(1000);
    assertEquals(1000, leaving.awaitClose());
    await().atMost(20, TimeUnit.SECONDS).until(() -> !node.status("shared-b0").online());
    clients.add(welcomed("shared-b0"));
    long fourth = publish("sb-4");
    for (TcpTestClient client : clients) assertEquals(fourth, expectBroadcast(client, "sb-4"));
    for (TcpTestClient client : clients) client.close();
  }

  @Test
  void aConnectionThatFailsEndsNothingElseOnItsInterpreter() throws Exception {
    TcpTestClient staying = welcomed("shared-stay");
    // a client that never says hello and never ends its side: closed with 4000 after
    // hello-timeout, then its stream is failed (aborted) after close-timeout
    TcpTestClient silent = node.tcp();
    assertEquals(4000, silent.awaitClose());
    // its stage stops only through that failure: the client keeps its side open
    await().atMost(20, TimeUnit.SECONDS).until(() -> node.server.metrics().openConnections() == 1);
    // and one whose oversize frame header ends it
    TcpTestClient oversize = welcomed("shared-big");
    oversize.sendRaw(new byte[] {0x00, 0x10, 0x00, 0x01, 0x01});
    assertEquals(1009, oversize.awaitClose());

    staying.send("{\"t\":\"ping\"}");
    staying.expectFrame("pong");
    long bseq = publish("after-failures");
    assertEquals(bseq, expectBroadcast(staying, "after-failures"));
    TcpTestClient newcomer = welcomed("shared-new");
    newcomer.send("{\"t\":\"ping\"}");
    newcomer.expectFrame("pong");
    staying.close();
    newcomer.close();
    silent.close();
    oversize.close();
  }
}
