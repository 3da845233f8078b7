package io.pushgate.gateway.connection;

import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.model.AppRegistry;
import io.pushgate.paced.RateGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * QoS 0 live fan-out on this gateway node: which local connections take an app's app-wide
 * broadcasts and which are subscribed to each of its topics, and one cluster subscription per such
 * key and node. A {@link LivePush} arrives once per node, is encoded once, and is written to every
 * matching local connection.
 *
 * <p>Pacing: each app's deliveries on this node are handed out at most at its {@code send-rate} per
 * second (in 10 ms slices), so a broadcast to a million local connections cannot monopolise the
 * node, and each delivery takes a token from the app's shared send rate ({@link RateGate}), so live
 * deliveries count against the app's rate like direct sends (a delivery waits for tokens; it is not
 * dropped for want of them). At most {@code maxQueued} pushes wait for their turn per node; past
 * that the newest is dropped and counted ({@link #droppedPushes()}), as QoS 0 allows.
 *
 * <p>Thread-safe: connections register and leave from their event loops, and a key's cluster
 * subscription changes under that key's map entry, so they reach the topic in order; the pacing
 * belongs to one actor, which is also the subscriber (no message adapter in between).
 */
public final class LiveFanOut {

  static final Duration TICK = Duration.ofMillis(10);

  private final Map<String, Set<LiveTarget>> targets = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final ActorSystem<?> system;

  /** The pacer, as the subscriber of this node's cluster topics: it takes LivePush and Command. */
  private final ActorRef<Object> actor;

  private final ActorRef<LivePush> subscriber;

  private sealed interface Command extends NoSerializationVerificationNeeded {}

  /** The app's shared rate granted {@code deliveries} tokens (0: none now). */
  private record Granted(String app, long deliveries) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum Stop implements Command {
    INSTANCE
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private LiveFanOut(ActorSystem<?> system, AppRegistry apps, int maxQueued, RateGate gate) {
    this.system = system;
    this.actor =
        system.systemActorOf(
            Behaviors.<Object>setup(
                ctx ->
                    Behaviors.withTimers(t -> new Pacer(ctx, t, apps, maxQueued, gate).behavior())),
            "live-fan-out-" + INSTANCES.incrementAndGet(),
            Props.empty());
    this.subscriber = actor.narrow();
  }

  /**
   * @param gate the apps' shared send rate: every delivery takes one token (RateGate.unlimited():
   *     only the per-node pace applies)
   */
  public static LiveFanOut start(
      ActorSystem<?> system, AppRegistry apps, int maxQueued, RateGate gate) {
    return new LiveFanOut(system, apps, maxQueued, gate);
  }

  /**
   * {@code target} takes the live pushes of {@code key} ({@link LivePush#clusterTopic}). The first
   * target of a key subscribes this node to its cluster topic before this returns (the subscription
   * is enqueued at the topic actor), so a push published on this node after the caller has answered
   * its client reaches the target; publishers on other nodes see the subscription once the
   * receptionist has gossiped it.
   */
  void add(String key, LiveTarget target) {
    targets.compute(
        key,
        (k, set) -> {
          if (set == null) {
            set = ConcurrentHashMap.newKeySet();
            // inside compute: subscribe and unsubscribe of one key reach the topic in the map's
            // order
            topic(k).tell(Topic.subscribe(subscriber));
          }
          set.add(target);
          return set;
        });
  }

  void remove(String key, LiveTarget target) {
    targets.computeIfPresent(
        key,
        (k, set) -> {
          set.remove(target);
          if (!set.isEmpty()) return set;
          topic(k).tell(Topic.unsubscribe(subscriber));
          return null;
        });
  }

  private ActorRef<Topic.Command<LivePush>> topic(String key) {
    return ClusterTopics.get(system).topic(LivePush.class, key);
  }

  /** Stops the actor (and so its cluster subscriptions); with the gateway server. */
  public void stop() {
    actor.tell(Stop.INSTANCE);
  }

  /** Live pushes dropped because too many waited for their turn. */
  public long droppedPushes() {
    return dropped.sum();
  }

  /** Live frames handed to local connections. */
  public long writtenFrames() {
    return written.sum();
  }

  /** The one actor: cluster subscriptions and paced delivery. */
  private final class Pacer {
    private final ActorContext<Object> ctx;
    private final TimerScheduler<Object> timers;
    private final AppRegistry apps;
    private final int maxQueued;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final RateGate gate;

    /** Tokens taken from each app's shared rate and not spent yet. */
    private final Map<String, Long> credits = new HashMap<>();

    private final Set<String> asking = new HashSet<>();

    Pacer(
        ActorContext<Object> ctx,
        TimerScheduler<Object> timers,
        AppRegistry apps,
        int maxQueued,
        RateGate gate) {
      this.ctx = ctx;
      this.gate = gate;
      this.timers = timers;
      this.apps = apps;
      this.maxQueued = maxQueued;
    }

    Behavior<Object> behavior() {
      return Behaviors.receive(Object.class)
          .onMessage(
              LivePush.class,
              push -> {
                arrived(push);
                return Behaviors.same();
              })
          .onMessageEquals(
              Tick.INSTANCE,
              () -> {
                tick();
                return Behaviors.same();
              })
          .onMessage(
              Granted.class,
              m -> {
                granted(m);
                return Behaviors.same();
              })
          .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
          .build();
    }

    private void arrived(LivePush push) {
      Set<LiveTarget> set = targets.get(push.clusterTopic());
      if (set == null || set.isEmpty()) return;
      if (queue.size() >= maxQueued) {
        dropped.increment();
        return;
      }
      SharedFrame frame =
          new SharedFrame(
              FrameCodec.live(push).getBytes(StandardCharsets.UTF_8), () -> CborCodec.live(push));
      queue.addLast(new Job(push, frame, new ArrayList<>(set).iterator()));
      if (!timers.isTimerActive(Tick.INSTANCE)) tick();
    }

    /** Spends each app's credit on its oldest jobs; asks for one more slice where it ran out. */
    private void tick() {
      for (Iterator<Job> jobs = queue.iterator(); jobs.hasNext(); ) {
        Job job = jobs.next();
        String app = job.push().app();
        long credit = credits.getOrDefault(app, 0L);
        while (credit > 0 && job.targets().hasNext()) {
          job.targets().next().writeLive(job.push(), job.frame());
          written.increment();
          credit--;
        }
        credits.put(app, credit);
        if (!job.targets().hasNext()) jobs.remove();
        else if (credit == 0) askFor(app);
      }
      if (!queue.isEmpty() && !timers.isTimerActive(Tick.INSTANCE))
        timers.startSingleTimer(Tick.INSTANCE, TICK);
    }

    /**
     * At most one slice (send-rate x 10 ms) per app is asked for at a time: that is the per-node
     * pace.
     */
    private void askFor(String app) {
      if (!asking.add(app)) return;
      long slice = sliceBudget(app);
      ctx.pipeToSelf(
          gate.tryAcquire(app, (int) slice),
          (ok, error) -> new Granted(app, error == null && Boolean.TRUE.equals(ok) ? slice : 0));
    }

    private void granted(Granted m) {
      asking.remove(m.app());
      if (m.deliveries() > 0) credits.merge(m.app(), m.deliveries(), Long::sum);
      if (!queue.isEmpty() && !timers.isTimerActive(Tick.INSTANCE))
        timers.startSingleTimer(Tick.INSTANCE, TICK);
    }

    private long sliceBudget(String app) {
      return Math.max(1, apps.sendRate(app) * TICK.toMillis() / 1000);
    }
  }

  private record Job(LivePush push, SharedFrame frame, Iterator<LiveTarget> targets) {}
}
