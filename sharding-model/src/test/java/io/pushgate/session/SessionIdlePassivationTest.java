package io.pushgate.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.callback.CallbackSink;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Idle passivation counts from the last activity without a connection: messages to an offline user
 * keep its session alive (one timer per idle period, re-armed for the rest of it, not restarted per
 * message), and the session stops {@code idle-passivation} after the last one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionIdlePassivationTest {

  private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final Duration IDLE = Duration.ofMillis(600);

  private final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final SessionSettings settings =
      new SessionSettings(100, 1 << 20, IDLE, 100, 3, Duration.ofHours(1), 100);

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void messagesToAnOfflineUserKeepTheSessionUntilIdleAfterTheLast() {
    ActorRef<SessionCommand> entity =
        testKit.spawn(
            SessionEntity.create(
                "demo:idle",
                null,
                SessionDeps.of(settings)
                    .withClock(new MutableClock(NOW))
                    .withCallbacks(CallbackSink.NONE)));
    TestProbe<SessionCommand.EnqueueResult> replies = testKit.createTestProbe();
    TestProbe<Object> watcher = testKit.createTestProbe();
    long start = System.nanoTime();
    long last = start;
    // activity for 3 idle periods, a QoS 0 message every third of one: the session must stay
    while (System.nanoTime() - start < 3 * IDLE.toNanos()) {
      entity.tell(
          new SessionCommand.Enqueue(
              new PushMessage("m" + last, Qos.AT_MOST_ONCE, "1", NOW, NOW + 60_000),
              replies.ref()));
      replies.expectMessageClass(SessionCommand.EnqueueResult.class);
      last = System.nanoTime();
      replies.expectNoMessage(IDLE.dividedBy(3)); // the pace of the messages under test
    }
    watcher.expectTerminated(entity, IDLE.multipliedBy(5));
    long stoppedAfterLast = System.nanoTime() - last;
    assertTrue(
        stoppedAfterLast >= IDLE.toNanos(),
        "stopped " + stoppedAfterLast / 1_000_000 + " ms after the last message");
  }
}
