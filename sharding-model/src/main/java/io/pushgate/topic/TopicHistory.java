package io.pushgate.topic;

import io.pushgate.fanout.LivePush;
import io.pushgate.topic.TopicHistoryCommand.Append;
import io.pushgate.topic.TopicHistoryCommand.Appended;
import io.pushgate.topic.TopicHistoryCommand.Kept;
import io.pushgate.topic.TopicHistoryCommand.Recovery;
import io.pushgate.topic.TopicHistoryCommand.Since;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The history of one topic of one app that keeps history: the last {@code size} messages, none
 * older than {@code ttl}, each with an offset (1, 2, 3, ...) within an epoch. Kept in memory only,
 * in the manner of Centrifugo's memory engine: when the entity stops (rebalance, node loss) the
 * history is gone and the next incarnation starts a new epoch, so a client resuming from an old
 * epoch is told {@code recovered: false}. Messages are published live from here, in offset order,
 * so a subscriber sees offsets increase.
 */
public final class TopicHistory extends AbstractBehavior<TopicHistoryCommand> {

  private final TopicHistoryPolicy.Retention retention;
  private final Clock clock;
  private final Consumer<LivePush> publish;
  private final String app;
  private final String topic;
  private final String epoch = UUID.randomUUID().toString().substring(0, 8);
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  private long top;

  private TopicHistory(
      ActorContext<TopicHistoryCommand> ctx,
      String app,
      String topic,
      TopicHistoryPolicy.Retention retention,
      Clock clock,
      Consumer<LivePush> publish) {
    super(ctx);
    this.app = app;
    this.topic = topic;
    this.retention = retention;
    this.clock = clock;
    this.publish = publish;
  }

  /**
   * @param publish sends a message live to the topic's subscribers (cluster pub/sub)
   */
  public static Behavior<TopicHistoryCommand> create(
      String app,
      String topic,
      TopicHistoryPolicy.Retention retention,
      Clock clock,
      Consumer<LivePush> publish) {
    return Behaviors.setup(ctx -> new TopicHistory(ctx, app, topic, retention, clock, publish));
  }

  /** The entity id of a topic's history. */
  public static String entityId(String app, String topic) {
    return app + "|" + topic;
  }

  @Override
  public Receive<TopicHistoryCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(Since.class, this::onSince)
        .onMessageEquals(TopicHistoryCommand.Passivate.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<TopicHistoryCommand> onAppend(Append m) {
    top++;
    kept.addLast(new Kept(top, m.id(), m.data(), m.atMillis()));
    while (kept.size() > retention.size()) kept.removeFirst();
    trim();
    publish.accept(new LivePush(app, topic, m.id(), m.data(), top, epoch));
    m.replyTo().tell(new Appended(top, epoch));
    return this;
  }

  private Behavior<TopicHistoryCommand> onSince(Since m) {
    trim();
    if (m.epoch() != null && !m.epoch().equals(epoch)) {
      m.replyTo().tell(new Recovery(List.of(), top, epoch, false));
      return this;
    }
    if (m.epoch() == null && m.offset() > 0) {
      m.replyTo().tell(new Recovery(List.of(), top, epoch, false));
      return this;
    }
    List<Kept> missed = new ArrayList<>();
    for (Kept k : kept) if (k.offset() > m.offset()) missed.add(k);
    long firstKept = kept.isEmpty() ? top + 1 : kept.peekFirst().offset();
    boolean recovered = m.offset() <= top && m.offset() + 1 >= firstKept;
    m.replyTo().tell(new Recovery(missed, top, epoch, recovered));
    return this;
  }

  private void trim() {
    long oldest = clock.millis() - retention.ttl().toMillis();
    while (!kept.isEmpty() && kept.peekFirst().atMillis() < oldest) kept.removeFirst();
  }
}
