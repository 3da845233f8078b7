package io.pushgate.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.paced.RateGate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's live fan-out: once {@link LiveFanOut#add} has returned, a push published on this node
 * reaches the target (a client told "subscribed" and publishing at once gets its push), also when
 * the key's last target has just left.
 */
class LiveFanOutTest {

  private static final String APP = "demo";
  private final ActorTestKit testKit = ActorTestKit.create("live-fan-out");
  private final LiveFanOut fanOut =
      LiveFanOut.start(
          testKit.system(),
          new AppRegistry(List.of(new App(APP, "key", "secret-0123456789abcdef0123456789", false))),
          1024,
          RateGate.unlimited());

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private static final class Target implements LiveTarget {
    final BlockingQueue<LivePush> got = new LinkedBlockingQueue<>();

    @Override
    public void writeLive(LivePush push, SharedFrame frame) {
      got.add(push);
    }
  }

  private void publish(String topic, String id) {
    ClusterTopics.get(testKit.system())
        .publish(
            LivePush.class,
            LivePush.clusterTopic(APP, topic),
            new LivePush(APP, topic, id, "1", 0, null));
  }

  @Test
  void aPushPublishedRightAfterTheFirstTargetJoinedReachesIt() throws Exception {
    for (int i = 0; i < 200; i++) {
      String topic = "t" + i;
      Target target = new Target();
      fanOut.add(LivePush.clusterTopic(APP, topic), target);
      publish(topic, "m" + i);
      LivePush got = target.got.poll(5, TimeUnit.SECONDS);
      assertNotNull(got, "topic " + topic + ": the push published right after add was lost");
      assertEquals("m" + i, got.id());
    }
  }

  @Test
  void aTargetThatJoinsRightAfterTheLastOneLeftGetsThePush() throws Exception {
    String key = LivePush.clusterTopic(APP, "again");
    Target first = new Target();
    fanOut.add(key, first);
    publish("again", "warm-up");
    assertNotNull(first.got.poll(5, TimeUnit.SECONDS));
    for (int i = 0; i < 200; i++) {
      Target next = new Target();
      fanOut.remove(key, first);
      fanOut.add(key, next);
      publish("again", "m" + i);
      LivePush got = next.got.poll(5, TimeUnit.SECONDS);
      assertNotNull(
          got,
          "round "
              + i
              + ": the push was lost after the key's last target left and a new one joined");
      assertEquals("m" + i, got.id());
      assertNull(first.got.poll(), "a target that left got a push");
      first = next;
    }
  }
}
