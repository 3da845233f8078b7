package io.pushgate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.gateway.protocol.CloseCode;
import io.pushgate.metrics.MessageMeters;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one gateway server ({@code GatewayServer#metrics()}). Thread-safe; read them for
 * monitoring and tests. Counts are since the server started.
 *
 * <p>Recorded into the node's meter registry as well, labelled by transport ({@code websocket},
 * {@code tcp}): {@code pushgate_connections_open{transport}}, {@code
 * pushgate_connections_opened_total{transport}}, {@code
 * pushgate_connections_closed_total{transport,code}} (the close code; codes outside the documented
 * ones count as {@code other}) and {@code pushgate_hello_latency_seconds{transport}} (hello
 * received to welcome written: token check and session attach). The public counters are bound by
 * the node as well (docs/operations.md "Metrics"). One gateway server per registry: a second one
 * would find the open-connection gauges registered already and its counts would not show.
 */
public final class GatewayMetrics {

  /** Close codes kept as label values; any other is counted as {@code other} (bounded labels). */
  private static final Set<Integer> KNOWN_CODES = knownCodes();

  private final MeterRegistry registry;
  private volatile ConnectionAdmission admission;
  private final ConcurrentHashMap<String, AtomicInteger> openByTransport =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> openedByTransport = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> closedByTransportAndCode =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> helloLatencyByTransport =
      new ConcurrentHashMap<>();

  /** Meters into a private registry (tests). */
  public GatewayMetrics() {
    this(new SimpleMeterRegistry());
  }

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Records the admission bound's state: {@code pushgate_connections_attaching} (between hello and
   * welcome now) and {@code pushgate_connections_refused_overloaded_total} (hellos refused with
   * 1013).
   */
  void bindAdmission(ConnectionAdmission admission) {
    this.admission = admission;
    Gauge.builder("pushgate.connections.attaching", admission, ConnectionAdmission::attaching)
        .description("client connections between hello and welcome (bounded by max-attaching)")
        .register(registry);
    FunctionCounter.builder("pushgate.connections.refused.overloaded", admission, a -> a.refused())
        .description(
            "hellos refused with close 1013 because max-attaching connections were being set up")
        .register(registry);
  }

  /** A connection of {@code transport} is open (its transport handshake done). */
  public void opened(String transport) {
    openByTransport
        .computeIfAbsent(
            transport,
            t -> {
              AtomicInteger open = new AtomicInteger();
              Gauge.builder("pushgate.connections.open", open, AtomicInteger::get)
                  .description("client connections open now")
                  .tag("transport", t)
                  .register(registry);
              return open;
            })
        .incrementAndGet();
    openedByTransport
        .computeIfAbsent(
            transport,
            t ->
                Counter.builder("pushgate.connections.opened")
                    .description("client connections opened")
                    .tag("transport", t)
                    .register(registry))
        .increment();
  }

  /** A connection that {@link #opened} is gone, closed with {@code code} (1006: no close frame). */
  public void closed(String transport, int code) {
    AtomicInteger open = openByTransport.get(transport);
    if (open != null) open.decrementAndGet();
    String label = KNOWN_CODES.contains(code) ? Integer.toString(code) : "other";
    closedByTransportAndCode
        .computeIfAbsent(
            transport + ' ' + label,
            k ->
                Counter.builder("pushgate.connections.closed")
                    .description("client connections closed, by close code")
                    .tags("transport", transport, "code", label)
                    .register(registry))
        .increment();
  }

  /** From hello to welcome took {@code nanos}. */
  public void welcomed(String transport, long nanos) {
    helloLatencyByTransport
        .computeIfAbsent(
            transport,
            t ->
                MessageMeters.latencyTimer(
                    registry,
                    "pushgate.hello.latency",
                    "hello received to welcome written",
                    "transport",
                    t))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Set<Integer> knownCodes() {
    Set<Integer> codes = new HashSet<>(Set.of(1000, 1001, 1005, 1006));
    for (CloseCode c : CloseCode.values()) codes.add(c.code());
    return Set.copyOf(codes);
  }

  public final AtomicInteger openConnections = new AtomicInteger();
  public final LongAdder acceptedConnections = new LongAdder();
  public final LongAdder rejectedConnections = new LongAdder();
  public final LongAdder droppedQos0 = new LongAdder();
  public final LongAdder slowConsumerCloses = new LongAdder();
  public final LongAdder heartbeatTimeouts = new LongAdder();
  public final LongAdder reattaches = new LongAdder();
  public final LongAdder rateLimitedCloses = new LongAdder();
  public final LongAdder protocolViolationCloses = new LongAdder();
  public final LongAdder httpRequestTimeouts = new LongAdder();
  public final LongAdder refusedBySource = new LongAdder();

  /** Connections between hello and welcome now (bounded by {@code max-attaching}). */
  public int attaching() {
    ConnectionAdmission a = admission;
    return a == null ? 0 : a.attaching();
  }

  /** Hellos refused with 1013 because {@code max-attaching} connections were being set up. */
  public long refusedOverloaded() {
    ConnectionAdmission a = admission;
    return a == null ? 0 : a.refused();
  }

  /** WebSocket upgrades refused by the access policy (lists, per-source limits). */
  public long refusedBySource() {
    return refusedBySource.sum();
  }

  /** WebSocket connections currently counted against {@code max-connections}. */
  public int openConnections() {
    return openConnections.get();
  }

  /** WebSocket upgrades accepted. */
  public long acceptedConnections() {
    return acceptedConnections.sum();
  }

  /** WebSocket upgrades refused with 503 because of {@code max-connections}. */
  public long rejectedConnections() {
    return rejectedConnections.sum();
  }

  /** QoS 0 pushes dropped because their connection was not writable. */
  public long droppedQos0() {
    return droppedQos0.sum();
  }

  /** Connections closed with 4002. */
  public long slowConsumerCloses() {
    return slowConsumerCloses.sum();
  }

  /** Connections closed with 4001. */
  public long heartbeatTimeouts() {
    return heartbeatTimeouts.sum();
  }

  /** Re-attaches after the session actor terminated (rebalance, passivation, node loss). */
  public long reattaches() {
    return reattaches.sum();
  }

  /** Connections closed with 4004 (more frames than {@code inbound-rate}/{@code inbound-burst}). */
  public long rateLimitedCloses() {
    return rateLimitedCloses.sum();
  }

  /** Connections closed with 1002, 1007 or 1009 (broken framing, invalid UTF-8, oversize). */
  public long protocolViolationCloses() {
    return protocolViolationCloses.sum();
  }

  /**
   * HTTP connections answered 408 because a request did not arrive within {@code
   * http-request-read-timeout}.
   */
  public long httpRequestTimeouts() {
    return httpRequestTimeouts.sum();
  }

  /** Connection-limit bookkeeping: reserve one slot; false when the node is full. */
  public boolean tryReserveConnection(int max) {
    while (true) {
      int current = openConnections.get();
      if (current >= max) return false;
      if (openConnections.compareAndSet(current, current + 1)) return true;
    }
  }

  public void releaseConnection() {
    openConnections.decrementAndGet();
  }
}
