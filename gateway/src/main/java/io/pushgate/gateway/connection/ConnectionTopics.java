package io.pushgate.gateway.connection;

import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.topic.TopicHistoryCommand;
import io.pushgate.topic.TopicHistoryCommand.Recovery;
import io.pushgate.topic.TopicName;
import io.pushgate.topic.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The topics one connection follows: those its client subscribed to (granted by the token's {@code
 * topics} claim) and its session's server-side subscriptions, at most {@code
 * max-topics-per-connection} together. Registers the connection for each topic's live pushes on
 * this node ({@link LiveFanOut}) and runs history recovery for {@code sub} with {@code since}: live
 * pushes of that topic are held back (at most {@link #MAX_HELD} per topic) until the history's
 * answer has been written, then those with a newer offset follow.
 *
 * <p>Confined to the connection's event loop, like the connection.
 */
final class ConnectionTopics {

  /** Live pushes held back per topic while its recovery runs; past it the oldest go. */
  static final int MAX_HELD = 1024;

  private final String app;
  private final List<String> grantedPatterns;
  private final int max;
  private final LiveFanOut fanOut;
  private final LiveTarget target;
  private final Consumer<String> write;
  private final Executor eventLoop;

  /** Started on first use: only a sub with "since" needs the cluster's topic histories. */
  private final Supplier<Topics> topics;

  private final Duration askTimeout;
  // allocated on first use: most connections follow no topic, and every idle connection counts
  private Set<String> clientTopics = Set.of();
  private Set<String> serverTopics = Set.of();
  private Map<String, ArrayDeque<LivePush>> recovering = Map.of();
  private boolean closed;

  ConnectionTopics(
      String app,
      List<String> grantedPatterns,
      int max,
      LiveFanOut fanOut,
      LiveTarget target,
      Consumer<String> write,
      Executor eventLoop,
      Supplier<Topics> topics,
      Duration askTimeout) {
    this.app = app;
    this.grantedPatterns = List.copyOf(grantedPatterns);
    this.max = max;
    this.fanOut = fanOut;
    this.target = target;
    this.write = write;
    this.eventLoop = eventLoop;
    this.topics = topics;
    this.askTimeout = askTimeout;
  }

  /** A client {@code sub}. */
  void subscribe(String topic, Long since, String epoch) {
    if (!TopicName.isValid(topic)) {
      write.accept(FrameCodec.topicError(ClientErrorCode.INVALID_TOPIC, TopicName.RULE, topic));
      return;
    }
    if (!TopicName.anyMatches(grantedPatterns, topic)) {
      write.accept(
          FrameCodec.topicError(
              ClientErrorCode.TOPIC_NOT_ALLOWED,
              "the token's topics claim does not grant this topic",
              topic));
      return;
    }
    boolean followed = follows(topic);
    if (!followed && followedCount() >= max) {
      write.accept(
          FrameCodec.topicError(
              ClientErrorCode.TOO_MANY_TOPICS,
              "at most " + max + " topics per connection (max-topics-per-connection)",
              topic));
      return;
    }
    if (clientTopics.isEmpty()) clientTopics = new HashSet<>();
    clientTopics.add(topic);
    if (!followed) fanOut.add(key(topic), target);
    if (since == null) {
      write.accept(FrameCodec.subscribed(topic, false, null, 0, null));
    } else if (topics.get().retentionOf(app, topic).isEmpty()) {
      write.accept(
          FrameCodec.subscribed(topic, false, false, 0, null)); // no history: nothing to recover
    } else {
      recover(topic, since, epoch);
    }
  }

  /** A client {@code unsub}. */
  void unsubscribe(String topic) {
    if (!clientTopics.contains(topic)) {
      String why =
          serverTopics.contains(topic)
              ? "a server-side subscription: only the backend removes it"
              : "not subscribed";
      write.accept(FrameCodec.topicError(ClientErrorCode.TOPIC_NOT_ALLOWED, why, topic));
      return;
    }
    clientTopics.remove(topic);
    if (!follows(topic)) unfollow(topic);
    write.accept(FrameCodec.unsubscribed(topic, false));
  }

  /** The session's server-side subscriptions are now {@code topics} (announced to the client). */
  void serverTopics(List<String> now) {
    Set<String> next = new HashSet<>(now);
    for (String topic : new ArrayList<>(serverTopics)) {
      if (next.contains(topic)) continue;
      serverTopics.remove(topic);
      if (!follows(topic)) unfollow(topic);
      write.accept(FrameCodec.unsubscribed(topic, true));
    }
    for (String topic : next) {
      if (serverTopics.contains(topic) || !TopicName.isValid(topic)) continue;
      boolean followed = follows(topic);
      if (serverTopics.isEmpty()) serverTopics = new HashSet<>();
      serverTopics.add(topic);
      if (!followed) fanOut.add(key(topic), target);
      write.accept(FrameCodec.subscribed(topic, true, null, 0, null));
    }
  }

  /** A live push of one of the followed topics: written, or held back while its recovery runs. */
  boolean holdBack(LivePush push) {
    ArrayDeque<LivePush> held = recovering.get(push.topic());
    if (held == null) return false;
    if (held.size() >= MAX_HELD) held.removeFirst();
    held.addLast(push);
    return true;
  }

  /** The connection closed: leave every topic. */
  void close() {
    closed = true;
    for (String topic : new ArrayList<>(followedTopics())) fanOut.remove(key(topic), target);
    clientTopics = Set.of();
    serverTopics = Set.of();
    recovering = Map.of();
  }

  private void recover(String topic, long since, String epoch) {
    if (recovering.isEmpty()) recovering = new HashMap<>();
    recovering.putIfAbsent(topic, new ArrayDeque<>());
    topics
        .get()
        .history(app, topic)
        .<Recovery>ask(replyTo -> new TopicHistoryCommand.Since(since, epoch, replyTo), askTimeout)
        .whenComplete((recovery, error) -> eventLoop.execute(() -> recovered(topic, recovery)));
  }

  private void recovered(String topic, Recovery recovery) {
    ArrayDeque<LivePush> held = recovering.isEmpty() ? null : recovering.remove(topic);
    if (closed || !follows(topic)) return;
    if (recovery == null) { // the history did not answer in time
      write.accept(FrameCodec.subscribed(topic, false, false, 0, null));
    } else {
      write.accept(
          FrameCodec.subscribed(
              topic, false, recovery.recovered(), recovery.top(), recovery.epoch()));
      for (TopicHistoryCommand.Kept k : recovery.missed()) {
        write.accept(
            FrameCodec.live(
                new LivePush(app, topic, k.id(), k.data(), k.offset(), recovery.epoch())));
      }
    }
    long last = recovery == null ? 0 : recovery.top();
    if (held != null) {
      for (LivePush push : held) {
        if (push.offset() == 0 || push.offset() > last) write.accept(FrameCodec.live(push));
      }
    }
  }

  private boolean follows(String topic) {
    return clientTopics.contains(topic) || serverTopics.contains(topic);
  }

  private int followedCount() {
    return followedTopics().size();
  }

  private Set<String> followedTopics() {
    Set<String> all = new HashSet<>(clientTopics);
    all.addAll(serverTopics);
    return all;
  }

  private void unfollow(String topic) {
    if (!recovering.isEmpty()) recovering.remove(topic);
    fanOut.remove(key(topic), target);
  }

  private String key(String topic) {
    return LivePush.clusterTopic(app, topic);
  }
}
