package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.broadcast.BroadcastEntry;
import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.GatewayContext;
import io.pushgate.gateway.connection.GatewayMetrics;
import io.pushgate.gateway.connection.ListBroadcastFeed;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.gateway.protocol.WireEncoding;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A connection that delivers its app's QoS 1 broadcasts itself ({@code pushgate.broadcast.delivery
 * = connection}): the protocol core with a {@link FakeTransport}, a probe as the session and a list
 * as the node's replica. Checks the session's delivery rules kept at the connection and that the
 * client's acks reach the session coalesced, never lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionBroadcastDeliveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = System.currentTimeMillis();
  private static final Duration REPORT_DELAY = Duration.ofSeconds(1);

  private final ActorTestKit testKit = ActorTestKit.create("connection-broadcasts");
  private final ListBroadcastFeed feed = new ListBroadcastFeed(REPORT_DELAY);
  private TestProbe<SessionCommand> session;
  private FakeTransport transport;
  private ClientConnection core;

  @BeforeEach
  void open() {
    feed.entries.clear();
    feed.listeners.clear();
    session = testKit.createTestProbe();
    SessionDirectory directory =
        new SessionDirectory() {
          @Override
          public RecipientRef<SessionCommand> session(SessionId id) {
            return session.ref();
          }

          @Override
          public BroadcastFeed broadcastFeed() {
            return feed;
          }
        };
    GatewayContext gw =
        GatewayContext.create(
            testKit.system(),
            GatewayDeps.of(testKit.system(), directory, TestApps.REGISTRY)
                .withSettings(GatewayTestSettings.gateway("inflight-window = 2")),
            new GatewayMetrics(new SimpleMeterRegistry()));
    transport = new FakeTransport();
    core = new ClientConnection(gw, transport);
    core.onOpen();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void deliversAfterTheCursorInOrderWithinTheWindowSkippingOlderAndExpiredOnes() throws Exception {
    feed.add(entry(1, NOW - 60_000, NOW + 60_000)); // acked already (the cursor)
    feed.add(entry(2, NOW - 50_000, NOW + 60_000)); // sent before the session came into being
    feed.add(entry(3, NOW - 10, NOW - 1)); // expired
    feed.add(entry(4, NOW, NOW + 60_000));
    feed.add(entry(5, NOW, NOW + 60_000));
    feed.add(entry(6, NOW, NOW + 60_000));
    SessionCommand.Attach attach = welcomed("bd-window", 1, NOW - 20_000);
    assertEquals(true, attach.deliversBroadcasts());
    assertEquals(List.of(4L, 5L), pushedBseqs(), "window of 2");
    ack(4);
    assertEquals(List.of(4L, 5L, 6L), pushedBseqs(), "the ack freed the window at once");
    session.expectNoMessage(Duration.ofMillis(100)); // held: no session message per ack
    ack(6);
    ack(9); // beyond what was delivered: clamped
    session.expectNoMessage(Duration.ofMillis(100));
    transport.advance(REPORT_DELAY);
    assertEquals(
        new SessionCommand.Ack(attach.info().connectionId(), 0, 6),
        session.expectMessageClass(SessionCommand.Ack.class));
  }

  @Test
  void newBroadcastsArriveThroughTheFeedAndHeldAcksGoWithAMessageAckOrBeforeTheDetach()
      throws Exception {
    SessionCommand.Attach attach = welcomed("bd-news", 0, NOW - 1_000);
    assertEquals(List.of(), pushedBseqs());
    assertEquals(1, feed.listeners.size(), "the connection does not follow the app's broadcasts");
    feed.add(entry(1, NOW, NOW + 60_000));
    feed.news(); // the hub: news
    transport.runNext();
    assertEquals(List.of(1L), pushedBseqs());
    ack(1);
    attach.reply(new ConnectionMessage.Push("m1", 1, 1, "{}"));
    transport.runNext();
    send("{\"t\":\"ack\",\"seq\":1}");
    assertEquals(
        new SessionCommand.Ack(attach.info().connectionId(), 1, 1),
        session.expectMessageClass(SessionCommand.Ack.class));

    feed.add(entry(2, NOW, NOW + 60_000));
    feed.news();
    transport.runNext();
    ack(2);
    core.onClosed();
    assertEquals(
        new SessionCommand.Ack(attach.info().connectionId(), 0, 2),
        session.expectMessageClass(SessionCommand.Ack.class));
    session.expectMessageClass(SessionCommand.Detach.class);
    assertEquals(0, feed.listeners.size(), "still following after the close");
  }

  @Test
  void afterTheSessionIsLostUnackedBroadcastsComeAgainAndTheNewSessionHearsOfHeldAcks()
      throws Exception {
    feed.add(entry(1, NOW, NOW + 60_000));
    feed.add(entry(2, NOW, NOW + 60_000));
    welcomed("bd-lost", 0, NOW - 1_000);
    assertEquals(List.of(1L, 2L), pushedBseqs());
    ack(1); // held, not yet told

    TestProbe<SessionCommand> lost = session;
    session = testKit.createTestProbe();
    lost.stop(); // the session's node died: the connection re-attaches through the directory
    transport.runNext();
    SessionCommand.Attach again = session.expectMessageClass(SessionCommand.Attach.class);
    again.reply(new ConnectionMessage.Attached(session.ref(), 0, List.of(), 0, NOW - 1_000));
    transport.runNext();
    assertEquals(
        List.of(1L, 2L, 2L),
        pushedBseqs(),
        "the unacked broadcast was not delivered again, or the acked one was");
    transport.advance(REPORT_DELAY);
    assertEquals(
        new SessionCommand.Ack(again.info().connectionId(), 0, 1),
        session.expectMessageClass(SessionCommand.Ack.class));
  }

  @Test
  void aSessionOfAnOlderNodeDeliversItselfAndGetsEveryAckAsItComes() throws Exception {
    feed.add(entry(1, NOW, NOW + 60_000));
    SessionCommand.Attach attach = welcomed("bd-old", 0, 0); // no creation time: an older node
    assertEquals(List.of(), pushedBseqs(), "delivered by both");
    attach.reply(new ConnectionMessage.Push("b1", 1, 0, 1, "{}", NOW));
    transport.runNext();
    assertEquals(List.of(1L), pushedBseqs());
    ack(1);
    assertEquals(
        new SessionCommand.Ack(attach.info().connectionId(), 0, 1),
        session.expectMessageClass(SessionCommand.Ack.class));
  }

  // ---- helpers ----

  private SessionCommand.Attach welcomed(String user, long cursor, long createdAt)
      throws Exception {
    send("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"" + TestApps.token(user) + "\"}");
    SessionCommand.Attach attach = session.expectMessageClass(SessionCommand.Attach.class);
    attach.reply(new ConnectionMessage.Attached(session.ref(), 0, List.of(), cursor, createdAt));
    transport.runNext();
    assertEquals("welcome", JSON.readTree(transport.written.get(0).json()).get("t").asText());
    return attach;
  }

  private void send(String json) {
    core.onFrame(FrameCodec.parse(json), WireEncoding.JSON);
  }

  private void ack(long bseq) {
    send("{\"t\":\"ack\",\"bseq\":" + bseq + "}");
  }

  private List<Long> pushedBseqs() throws Exception {
    List<Long> out = new ArrayList<>();
    for (FakeTransport.Written w : transport.written) {
      JsonNode frame = JSON.readTree(w.json());
      if (frame.get("t").asText().equals("push") && frame.has("bseq"))
        out.add(frame.get("bseq").asLong());
    }
    return out;
  }

  private static BroadcastEntry entry(long bseq, long sentAt, long expiresAt) {
    return new BroadcastEntry(bseq, "b" + bseq, "{\"b\":" + bseq + "}", sentAt, expiresAt, null);
  }
}
