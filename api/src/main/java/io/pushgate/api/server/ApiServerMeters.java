package io.pushgate.api.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the API port's connection layer counts (docs/operations.md, "Metrics"):
 *
 * <ul>
 *   <li>{@code pushgate_api_connections_open}: connections being served now;
 *   <li>{@code pushgate_api_connections_total{outcome}}: accepted connections, {@code served} or
 *       {@code refused} (over {@code max-connections}: answered 503 {@code overloaded});
 *   <li>{@code pushgate_api_requests_cut_total{reason}}: requests the connection guard answered
 *       itself: {@code read_timeout} (408) or {@code malformed} (400, a connection that does not
 *       start with an HTTP method).
 * </ul>
 *
 * Thread-safe; one per listener.
 */
final class ApiServerMeters {

  private final MeterRegistry registry;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter served;
  private final Counter refused;
  private final Map<String, Counter> cuts = new ConcurrentHashMap<>();

  ApiServerMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("pushgate.api.connections.open", open, AtomicInteger::get)
        .description("API connections being served")
        .strongReference(true)
        .register(registry);
    this.served = outcome("served");
    this.refused = outcome("refused");
  }

  private Counter outcome(String outcome) {
    return Counter.builder("pushgate.api.connections")
        .description(
            "API connections accepted, by outcome (refused: over max-connections, answered 503)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** A connection is served; {@link #closed()} when it ends. */
  void served() {
    served.increment();
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void refused() {
    refused.increment();
  }

  /** A request the guard answered itself ({@code read_timeout} or {@code malformed}). */
  void cut(String reason) {
    cuts.computeIfAbsent(
            reason,
            r ->
                Counter.builder("pushgate.api.requests.cut")
                    .description(
                        "API requests answered by the connection guard: 408 read_timeout, 400 malformed")
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  /** Connections being served now. */
  int open() {
    return open.get();
  }
}
