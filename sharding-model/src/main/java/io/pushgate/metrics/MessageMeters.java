package io.pushgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The message path's meters, one {@link App} set per app, made on first use and kept (the app label
 * is bounded by the configured apps). Recorded by the session entities (accepted, acked, expired,
 * dropped, undeliverable, pending, journal writes), the gateway (delivered, delivery latency) and
 * the API (broadcast and topic accepts). Names as Prometheus shows them:
 *
 * <ul>
 *   <li>{@code pushgate_messages_accepted_total{app,qos,target}}: taken on: by a session (one per
 *       recipient: {@code target="session"}), by the broadcast log or a topic (one per message)
 *   <li>{@code pushgate_messages_delivered_total{app,qos}}: pushes written to a client connection,
 *       redeliveries included
 *   <li>{@code pushgate_messages_acked_total{app}}: queued QoS 1 messages acked by their client
 *   <li>{@code pushgate_messages_expired_total{app}}, {@code
 *       pushgate_messages_undeliverable_total{app}}
 *   <li>{@code pushgate_messages_dropped_total{app,qos,reason}}: {@code overflow} and {@code
 *       replaced} (QoS 1, the queue's overflow policy and collapse keys), {@code offline} and
 *       {@code slow_consumer} (QoS 0: no connection, or one that was not writable)
 *   <li>{@code pushgate_messages_pending{app}}: QoS 1 messages pending in the sessions that are
 *       running on this node (sampled: passivated sessions keep theirs in the journal, uncounted)
 *   <li>{@code pushgate_delivery_latency_seconds}: from the API's accept to the write on the
 *       client's connection, time queued while the user was offline included (histogram; pushes
 *       that carry an accept time: direct messages and QoS 1 broadcasts)
 *   <li>{@code pushgate_journal_write_seconds}, {@code pushgate_journal_write_failures_total}:
 *       session event writes as the sessions see them (histogram; a failure stops the session)
 * </ul>
 *
 * Thread-safe.
 */
public final class MessageMeters {

  /** Histogram buckets for the latencies: 1 ms to 60 s. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, App> apps = new ConcurrentHashMap<>();
  private final Timer deliveryLatency;
  private final Timer journalWrite;
  private final Counter journalFailures;
  private final Counter sessionsParked;
  private final Counter sessionsWoken;

  MessageMeters(MeterRegistry registry) {
    this.registry = registry;
    this.deliveryLatency =
        latencyTimer(
            registry,
            "pushgate.delivery.latency",
            "from the API's accept to the write on the client's connection");
    this.journalWrite =
        latencyTimer(
            registry,
            "pushgate.journal.write",
            "session event writes, as the sessions wait for them");
    this.journalFailures =
        Counter.builder("pushgate.journal.write.failures")
            .description(
                "session event writes that failed (the session stopped; its connection re-attached)")
            .register(registry);
    this.sessionsParked =
        Counter.builder("pushgate.sessions.parked")
            .description(
                "sessions that passivated with their connection open (connected-idle-passivation)")
            .register(registry);
    this.sessionsWoken =
        Counter.builder("pushgate.sessions.woken")
            .description(
                "parked sessions woken from the journal, taking their open connection up again")
            .register(registry);
  }

  /** A session passivated with its connection open. */
  public void sessionParked() {
    sessionsParked.increment();
  }

  /** A parked session was woken and took its connection up again. */
  public void sessionWoken() {
    sessionsWoken.increment();
  }

  /** A timer with {@link #LATENCY_BUCKETS} as its histogram. */
  public static Timer latencyTimer(
      MeterRegistry registry, String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .minimumExpectedValue(LATENCY_BUCKETS[0])
        .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
        .register(registry);
  }

  /** The meters of {@code app}, made on first use. */
  public App forApp(String app) {
    App meters = apps.get(app);
    return meters != null ? meters : apps.computeIfAbsent(app, a -> new App(registry, a));
  }

  /** A push accepted at {@code acceptedAtMillis} (wall clock) was written to its client now. */
  public void recordDelivery(long acceptedAtMillis) {
    if (acceptedAtMillis > 0) {
      deliveryLatency.record(
          Math.max(0, System.currentTimeMillis() - acceptedAtMillis), TimeUnit.MILLISECONDS);
    }
  }

  public void recordJournalWrite(long nanos) {
    journalWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void journalWriteFailed() {
    journalFailures.increment();
  }

  /** One app's message counters. */
  public static final class App {
    public final Counter acceptedQos0;
    public final Counter acceptedQos1;
    public final Counter acceptedBroadcastQos0;
    public final Counter acceptedBroadcastQos1;
    public final Counter acceptedTopic;
    public final Counter deliveredQos0;
    public final Counter deliveredQos1;
    public final Counter acked;
    public final Counter expired;
    public final Counter undeliverable;
    public final Counter droppedOverflow;
    public final Counter droppedReplaced;
    public final Counter droppedOffline;
    public final Counter droppedSlowConsumer;
    public final Counter rateLimited;
    private final AtomicLong pending = new AtomicLong();

    App(MeterRegistry r, String app) {
      acceptedQos0 = accepted(r, app, "0", "session");
      acceptedQos1 = accepted(r, app, "1", "session");
      acceptedBroadcastQos0 = accepted(r, app, "0", "broadcast");
      acceptedBroadcastQos1 = accepted(r, app, "1", "broadcast");
      acceptedTopic = accepted(r, app, "0", "topic");
      deliveredQos0 =
          counter(
              r,
              "pushgate.messages.delivered",
              "pushes written to a client connection",
              app,
              "qos",
              "0");
      deliveredQos1 =
          counter(
              r,
              "pushgate.messages.delivered",
              "pushes written to a client connection",
              app,
              "qos",
              "1");
      acked =
          counter(r, "pushgate.messages.acked", "queued QoS 1 messages acked by their client", app);
      expired =
          counter(r, "pushgate.messages.expired", "queued messages removed at their ttl", app);
      undeliverable =
          counter(
              r,
              "pushgate.messages.undeliverable",
              "messages given up on after max-deliveries",
              app);
      droppedOverflow = dropped(r, app, "1", "overflow");
      droppedReplaced = dropped(r, app, "1", "replaced");
      droppedOffline = dropped(r, app, "0", "offline");
      droppedSlowConsumer = dropped(r, app, "0", "slow_consumer");
      rateLimited =
          counter(
              r,
              "pushgate.rate.limited",
              "sends refused (429) or paced by the app's send rate",
              app);
      Gauge.builder("pushgate.messages.pending", pending, AtomicLong::get)
          .description("QoS 1 messages pending in the sessions running on this node")
          .tags("app", app)
          .register(r);
    }

    /** The sessions on this node now hold {@code delta} more (or fewer) pending messages. */
    public void pendingChanged(long delta) {
      if (delta != 0) pending.addAndGet(delta);
    }

    public Counter delivered(int qos) {
      return qos == 0 ? deliveredQos0 : deliveredQos1;
    }

    private static Counter accepted(MeterRegistry r, String app, String qos, String target) {
      return counter(
          r, "pushgate.messages.accepted", "messages taken on", app, "qos", qos, "target", target);
    }

    private static Counter dropped(MeterRegistry r, String app, String qos, String reason) {
      return counter(
          r,
          "pushgate.messages.dropped",
          "messages dropped before delivery",
          app,
          "qos",
          qos,
          "reason",
          reason);
    }

    private static Counter counter(
        MeterRegistry r, String name, String description, String app, String... tags) {
      return Counter.builder(name).description(description).tag("app", app).tags(tags).register(r);
    }
  }
}
