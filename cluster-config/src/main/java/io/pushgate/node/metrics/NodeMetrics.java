package io.pushgate.node.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pushgate.api.upstream.HttpUpstream;
import io.pushgate.api.upstream.UpstreamStats;
import io.pushgate.api.webhook.WebhookStats;
import io.pushgate.api.webhook.Webhooks;
import io.pushgate.gateway.connection.GatewayMetrics;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.node.health.JournalHealth;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's metrics registry (Micrometer with its Prometheus registry), served as text at
 * {@code GET /metrics} on the management port ({@link MetricsRoutes}). Created with the JVM's
 * binders (memory, GC, threads, class loading, CPU) and added to the system's
 * {@link PushgateMeters}, so everything the modules record (messages, connections, latencies)
 * is exported; the node binds what it wires (gateway counters, journal, Redis, webhooks,
 * upstream) as it starts. Every metric is listed in docs/operations.md "Metrics". Labels never carry users or connection ids: cardinality stays
 * bounded. Thread-safe.
 */
public final class NodeMetrics implements Extension {

  private static final ExtensionId<NodeMetrics> ID =
      new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
          return new NodeMetrics(system);
        }
      };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private NodeMetrics(ActorSystem<?> system) {
    PushgateMeters.get(system).add(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** The Prometheus text exposition of every metric now. */
  public String scrape() {
    return registry.scrape();
  }

  /** Exposes the gateway's connection counters (both transports together). */
  public void bindGateway(GatewayMetrics m) {
    Gauge.builder("pushgate_connections_reserved", m, GatewayMetrics::openConnections)
        .description("connection slots taken against max-connections (WebSocket and TCP)")
        .register(registry);
    counter("pushgate_connections_accepted", m, x -> x.acceptedConnections.sum(), "connections that reached hello");
    counter("pushgate_connections_rejected", m, x -> x.rejectedConnections.sum(), "connections refused at max-connections");
    counter("pushgate_connections_refused_by_source", m, x -> x.refusedBySource.sum(), "connections refused by the access policy");
    counter("pushgate_closes_heartbeat_timeout", m, x -> x.heartbeatTimeouts.sum(), "connections closed with 4001");
    counter("pushgate_closes_slow_consumer", m, x -> x.slowConsumerCloses.sum(), "connections closed with 4002");
    counter("pushgate_closes_rate_limited", m, x -> x.rateLimitedCloses.sum(), "connections closed with 4004");
    counter("pushgate_closes_protocol_violation", m, x -> x.protocolViolationCloses.sum(), "connections closed for framing violations (1002, 1007, 1009)");
    counter("pushgate_messages_dropped_qos0", m, x -> x.droppedQos0.sum(), "QoS 0 pushes dropped at a connection that was not writable");
    counter("pushgate_session_reattaches", m, x -> x.reattaches.sum(), "connections re-attached after their session moved or restarted");
  }

  /** A 0/1 gauge ({@code up} true: 1). */
  public void upGauge(String name, String description, BooleanSupplier up) {
    Gauge.builder(name, up, u -> u.getAsBoolean() ? 1 : 0).description(description).strongReference(true).register(registry);
  }

  /** The journal database as the readiness probe sees it. */
  public void bindJournalHealth(JournalHealth health) {
    upGauge("pushgate_journal_up", "1 while the journal database answers the readiness probe", () -> health.status().reachable());
  }

  /** Per-app status-callback (webhook) counters, as {@code GET /v1/apps/{app}/callbacks} shows them. */
  public void bindWebhooks(Webhooks webhooks, Collection<String> apps) {
    for (String app : apps) {
      if (webhooks.stats(app).isEmpty()) continue;
      ToDoubleFunction<ToLongFunction<WebhookStats>> of = f -> webhooks.stats(app).map(f::applyAsLong).orElse(0L);
      Gauge.builder("pushgate_webhook_queued", webhooks, w -> of.applyAsDouble(WebhookStats::queued))
          .description("status callbacks waiting to be sent").tag("app", app).register(registry);
      appCounter("pushgate_webhook_events_offered", app, webhooks, w -> of.applyAsDouble(WebhookStats::offered), "status callbacks raised");
      appCounter("pushgate_webhook_events_sent", app, webhooks, w -> of.applyAsDouble(WebhookStats::sent), "status callbacks delivered (2xx)");
      appCounter("pushgate_webhook_requests", app, webhooks, w -> of.applyAsDouble(WebhookStats::requests), "callback POSTs made, retries included");
      appCounter("pushgate_webhook_retries", app, webhooks, w -> of.applyAsDouble(WebhookStats::retried), "callback POSTs that retried a failed one");
      appCounter("pushgate_webhook_events_failed", app, webhooks, w -> of.applyAsDouble(WebhookStats::failed), "status callbacks given up on after max-attempts");
      appCounter("pushgate_webhook_events_dropped", app, webhooks, w -> of.applyAsDouble(WebhookStats::dropped), "status callbacks dropped, queue full");
      Gauge.builder("pushgate_webhook_circuit_open", webhooks, w -> webhooks.stats(app).map(x -> "closed".equals(x.circuit()) ? 0 : 1).orElse(0))
          .description("1 while the app's callback endpoint's circuit breaker is open or half-open").tag("app", app).register(registry);
    }
  }

  /** Per-app upstream counters, as {@code GET /v1/apps/{app}/upstream} shows them. */
  public void bindUpstream(HttpUpstream upstream, Collection<String> apps) {
    for (String app : apps) {
      if (upstream.stats(app).isEmpty()) continue;
      ToDoubleFunction<ToLongFunction<UpstreamStats>> of = f -> upstream.stats(app).map(f::applyAsLong).orElse(0L);
      Gauge.builder("pushgate_upstream_in_flight", upstream, u -> of.applyAsDouble(UpstreamStats::inFlight))
          .description("upstream requests waiting for the backend").tag("app", app).register(registry);
      appCounter("pushgate_upstream_forwarded", app, upstream, u -> of.applyAsDouble(UpstreamStats::forwarded), "upstream requests sent to the backend");
      appCounter("pushgate_upstream_ok", app, upstream, u -> of.applyAsDouble(UpstreamStats::ok), "upstream requests answered 2xx");
      appCounter("pushgate_upstream_rejected", app, upstream, u -> of.applyAsDouble(UpstreamStats::rejected), "upstream requests answered with another status");
      appCounter("pushgate_upstream_failed", app, upstream, u -> of.applyAsDouble(UpstreamStats::failed), "upstream requests unanswered, refused or circuit open");
      appCounter("pushgate_upstream_not_allowed", app, upstream, u -> of.applyAsDouble(UpstreamStats::notAllowed), "upstream requests refused for their type");
      appCounter("pushgate_upstream_busy", app, upstream, u -> of.applyAsDouble(UpstreamStats::busy), "upstream requests refused at max-in-flight-per-app");
    }
  }

  private <T> void appCounter(String name, String app, T source, ToDoubleFunction<T> value, String description) {
    FunctionCounter.builder(name, source, value).description(description).tag("app", app).register(registry);
  }

  private void counter(String name, GatewayMetrics m, ToDoubleFunction<GatewayMetrics> value, String description) {
    FunctionCounter.builder(name, m, value).description(description).register(registry);
  }
}
