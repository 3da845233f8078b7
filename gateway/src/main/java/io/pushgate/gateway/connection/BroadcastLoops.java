package io.pushgate.gateway.connection;

import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.broadcast.ListenerRounds;
import io.pushgate.gateway.transport.Transport;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

/**
 * The node's connections that deliver QoS 1 broadcasts themselves ({@link BroadcastDelivery}),
 * grouped by event loop and app: each group follows the {@link BroadcastFeed} once, so a broadcast
 * costs the feed's hub one notification and one task hand-off per loop instead of one per
 * connection (10,000 per broadcast to 10,000 online users on a node). Told, a group wakes its
 * members on their loop, where each pumps what is new for it.
 *
 * <p>Pacing: a group wakes at most a slice of its members per {@link #TICK}, the app's {@code
 * send-rate} per second on this node shared equally among the app's groups here, so the node's pace
 * is what it was when the hub told each connection (the hub paces the groups as well, each counting
 * as one listener). A member that joins starts with a pump of its own, so it misses nothing while
 * it waits for the next broadcast.
 *
 * <p>Thread-safety: {@link #follow} and {@link #unfollow} are called on the member's own loop, the
 * way {@link BroadcastDelivery} runs; a group's members are touched only there. Groups of different
 * loops share nothing but the map that finds them. A transport whose executor is one per connection
 * (TCP) shares its stream interpreter's loop: the group runs there, and a member's {@code pump}
 * hops to its connection's own executor (see {@link BroadcastDelivery}).
 */
final class BroadcastLoops {

  /** A group wakes a slice of its members per tick. */
  static final Duration TICK = Duration.ofMillis(10);

  private record Key(Executor executor, String app) {}

  private final BroadcastFeed feed;
  private final ToIntFunction<String> ratePerSecond;
  private final ConcurrentHashMap<Key, Group> groups = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> groupsPerApp = new ConcurrentHashMap<>();

  /**
   * @param ratePerSecond each app's send rate per node ({@code AppRegistry::sendRate})
   */
  BroadcastLoops(BroadcastFeed feed, ToIntFunction<String> ratePerSecond) {
    this.feed = feed;
    this.ratePerSecond = ratePerSecond;
  }

  /** The feed the groups follow (for reading the replica). */
  BroadcastFeed feed() {
    return feed;
  }

  /**
   * {@code pump} is run on {@code loop} ({@link Transport#loop()}: a group keeps the loop of its
   * first member, so its scheduler must stay usable while any member remains) whenever {@code app}
   * has new broadcasts, until {@link #unfollow}. Called on {@code loop}.
   */
  void follow(String app, Transport.Loop loop, Runnable pump) {
    groups
        .computeIfAbsent(new Key(loop.executor(), app), k -> newGroup(app, loop))
        .members
        .add(pump);
  }

  /**
   * No more wake-ups for {@code pump} (the instance given to {@link #follow}). Called on {@code
   * loop}.
   */
  void unfollow(String app, Executor loop, Runnable pump) {
    Key key = new Key(loop, app);
    Group group = groups.get(key);
    if (group == null) return;
    group.members.remove(pump);
    if (!group.members.isEmpty()) return;
    groups.remove(key, group);
    groupsPerApp.computeIfPresent(app, (a, n) -> n <= 1 ? null : n - 1);
    group.close();
    feed.unfollow(app, group.listener);
  }

  /** How many groups follow the feed now (one per loop and app with members). */
  int groupCount() {
    return groups.size();
  }

  private Group newGroup(String app, Transport.Loop loop) {
    Group group = new Group(app, loop);
    groupsPerApp.merge(app, 1, Integer::sum);
    feed.follow(app, group.listener);
    return group;
  }

  /** One loop's members of one app. Confined to the loop, except {@link #listener}. */
  private final class Group {
    final String app;
    final Transport.Loop loop;
    final ListenerRounds members = new ListenerRounds();

    /** Set from the hub's thread: a wake-up is on its way to the loop. */
    private final AtomicBoolean told = new AtomicBoolean();

    private final Runnable onTold = this::onTold;
    private final Runnable onTick = this::onTick;

    /** What the feed runs (on its hub's thread): hands over to the loop, at most one at a time. */
    final Runnable listener = this::hear;

    private Transport.Timer timer;
    private boolean closed;

    Group(String app, Transport.Loop loop) {
      this.app = app;
      this.loop = loop;
    }

    private void hear() {
      if (!told.compareAndSet(false, true))
        return; // the one on its way will find this broadcast too
      try {
        loop.executor().execute(onTold);
      } catch (RejectedExecutionException e) {
        told.set(false); // the loop is shutting down; its connections leave the group
      }
    }

    private void onTold() {
      told.set(false); // before reading the replica: a broadcast from now on wakes the group again
      if (closed) return;
      members.broadcastArrived();
      wakeSlice();
    }

    private void onTick() {
      timer = null;
      if (!closed) wakeSlice();
    }

    private void wakeSlice() {
      members.tell(slice());
      if (members.pending() && timer == null) timer = loop.scheduler().apply(TICK, onTick);
    }

    private long slice() {
      long groupsOfApp = Math.max(1, groupsPerApp.getOrDefault(app, 1));
      return Math.max(1, ratePerSecond.applyAsInt(app) * TICK.toMillis() / 1000 / groupsOfApp);
    }

    void close() {
      closed = true;
      if (timer != null) timer.cancel();
    }
  }
}
