package io.pushgate.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.broadcast.BroadcastCommand.BroadcastInfo;
import io.pushgate.broadcast.BroadcastCommand.Entries;
import io.pushgate.broadcast.BroadcastCommand.PublishResult;
import io.pushgate.broadcast.BroadcastCommand.PublishResult.Outcome;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The per-app broadcast log: dense bseqs, one event per broadcast, recovery, collapse, TTL, the
 * live bound, announcements after persisting and ack counts. Serialization checks on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BroadcastLogTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final BroadcastSettings SETTINGS =
      new BroadcastSettings(
          3,
          2,
          100,
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          true,
          Duration.ofSeconds(1));

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final MutableClock clock = new MutableClock(NOW);
  private final List<BroadcastEntry> announced = new CopyOnWriteArrayList<>();
  private EventSourcedBehaviorTestKit<BroadcastCommand, BroadcastEvent, BroadcastLogState> log;

  @BeforeEach
  void fresh() {
    clock.set(NOW);
    announced.clear();
    log =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), BroadcastLog.create("demo", SETTINGS, clock, announced::add));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void eachBroadcastIsOneEventWithTheNextBseqAndIsAnnouncedAfterPersisting() {
    var first = publish("a", 60_000, null);
    var second = publish("b", 60_000, null);
    assertEquals(new PublishResult(Outcome.PUBLISHED, 1, null), first.reply());
    assertEquals(2, second.reply().bseq());
    assertEquals(1, second.events().size(), "a broadcast must be one journal row");
    assertInstanceOf(BroadcastEvent.BroadcastPublished.class, second.event());
    assertEquals(List.of(1L, 2L), announced.stream().map(BroadcastEntry::bseq).toList());
  }

  @Test
  void recoveryKeepsHeadAndLiveEntries() {
    publish("a", 60_000, null);
    publish("b", 60_000, null);
    log.restart();
    assertEquals(2, log.getState().head());
    Entries since = log.<Entries>runCommand(r -> new BroadcastCommand.GetSince(1, r)).reply();
    assertEquals(2, since.head());
    assertEquals(List.of("b"), since.entries().stream().map(BroadcastEntry::id).toList());
    assertEquals(3, publish("c", 60_000, null).reply().bseq(), "bseq reused after recovery");
  }

  @Test
  void collapseKeyReplacesTheLiveEntry() {
    publish("score-1", 60_000, "score");
    var newer = publish("score-2", 60_000, "score");
    assertEquals("score-1", newer.reply().replacedId());
    Entries all = log.<Entries>runCommand(r -> new BroadcastCommand.GetSince(0, r)).reply();
    assertEquals(List.of("score-2"), all.entries().stream().map(BroadcastEntry::id).toList());
    assertEquals("replaced", info("score-1").fate());
  }

  @Test
  void expiredEntriesAreNotServedAndDoNotCountAgainstTheBound() {
    publish("short", 1_000, null);
    clock.set(NOW + 2_000);
    Entries all = log.<Entries>runCommand(r -> new BroadcastCommand.GetSince(0, r)).reply();
    assertTrue(all.entries().isEmpty());
    assertEquals("expired", info("short").fate());
    for (String id : List.of("x", "y", "z"))
      assertEquals(Outcome.PUBLISHED, publish(id, 60_000, null).reply().outcome());
    assertEquals("expired", info("short").fate(), "ended record kept");
  }

  @Test
  void pastMaxLiveAPublishIsRefusedWithoutWriting() {
    publish("a", 60_000, null);
    publish("b", 60_000, null);
    publish("c", 60_000, "k");
    var full = publish("d", 60_000, null);
    assertEquals(Outcome.LOG_FULL, full.reply().outcome());
    assertTrue(full.events().isEmpty());
    assertEquals(3, log.getState().head());
    var collapsing = publish("e", 60_000, "k");
    assertEquals(
        Outcome.PUBLISHED,
        collapsing.reply().outcome(),
        "a broadcast that replaces a live one fits");
    assertEquals("c", collapsing.reply().replacedId());
  }

  @Test
  void ackCountsAddUpPerBroadcastAndUnknownIdsAreUnknown() {
    publish("a", 60_000, null);
    log.runCommand(new BroadcastCommand.CountAcks(Map.of(1L, 3L)));
    log.runCommand(new BroadcastCommand.CountAcks(Map.of(1L, 2L, 99L, 5L)));
    BroadcastInfo a = info("a");
    assertEquals("live", a.fate());
    assertEquals(5, a.ackedSessions());
    assertEquals(60, (a.expiresAtMillis() - a.sentAtMillis()) / 1000);
    assertEquals("unknown", info("nope").fate());
    assertNull(publish("b", 60_000, null).reply().replacedId());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          BroadcastCommand, BroadcastEvent, BroadcastLogState, PublishResult>
      publish(String id, long ttlMillis, String collapseKey) {
    long now = clock.millis();
    return log.runCommand(
        r ->
            new BroadcastCommand.Publish(
                id, "\"" + id + "\"", now, now + ttlMillis, collapseKey, r));
  }

  private BroadcastInfo info(String id) {
    return log.<BroadcastInfo>runCommand(r -> new BroadcastCommand.GetInfo(id, r)).reply();
  }
}
