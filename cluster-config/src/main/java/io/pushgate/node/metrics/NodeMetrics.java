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
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.node.health.JournalHealth;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's metrics registry (Micrometer with its Prometheus registry), served as text at {@code
 * GET /metrics} on the management port ({@link MetricsRoutes}). Created with the JVM's binders
 * (memory, GC, threads, class loading, CPU) and added to the system's {@link PushgateMeters}, so
 * everything the modules record (messages, connections, latencies) is exported; the node binds what
 * it wires (gateway counters, journal, Redis, webhooks, upstream) as it starts. Every metric is
 * listed in docs/operations.md "Metrics". Labels never carry users or connection ids: cardinality
 * stays bounded. Thread-safe.
 */
public final class NodeMetrics implements Extension {

  private static final ExtensionId<NodeMetrics> ID =
      new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
          return new NodeMetrics(system);
        }
      };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AppStats<?>> appStats = new CopyOnWriteArrayList<>();

  private NodeMetrics(ActorSystem<?> system) {
    PushgateMeters meters = PushgateMeters.get(system);
    meters.add(registry);
    meters.messages(); // the message path's meters, listed from the start
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
    counter(
        "pushgate_connections_accepted",
        m,
        x -> x.acceptedConnections.sum(),
        "connections that reached hello");
    counter(
        "pushgate_connections_rejected",
        m,
        x -> x.rejectedConnections.sum(),
        "connections refused at max-connections");
    counter(
        "pushgate_connections_refused_by_source",
        m,
        x -> x.refusedBySource.sum(),
        "connections refused by the access policy");
    counter(
        "pushgate_closes_heartbeat_timeout",
        m,
        x -> x.heartbeatTimeouts.sum(),
        "connections closed with 4001");
    counter(
        "pushgate_closes_slow_consumer",
        m,
        x -> x.slowConsumerCloses.sum(),
        "connections closed with 4002");
    counter(
        "pushgate_closes_rate_limited",
        m,
        x -> x.rateLimitedCloses.sum(),
        "connections closed with 4004");
    counter(
        "pushgate_closes_protocol_violation",
        m,
        x -> x.protocolViolationCloses.sum(),
        "connections closed for framing violations (1002, 1007, 1009)");
    counter(
        "pushgate_messages_dropped_qos0",
        m,
        x -> x.droppedQos0.sum(),
        "QoS 0 pushes dropped at a connection that was not writable");
    counter(
        "pushgate_session_reattaches",
        m,
        x -> x.reattaches.sum(),
        "connections re-attached after their session moved or restarted");
  }

  /** A 0/1 gauge ({@code up} true: 1). */
  public void upGauge(String name, String description, BooleanSupplier up) {
    Gauge.builder(name, up, u -> u.getAsBoolean() ? 1 : 0)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /** The journal database as the readiness probe sees it. */
  public void bindJournalHealth(JournalHealth health) {
    upGauge(
        "pushgate_journal_up",
        "1 while the journal database answers the readiness probe",
        () -> health.status().reachable());
  }

  /**
   * Per-app status-callback (webhook) counters, as {@code GET /v1/apps/{app}/callbacks} shows them.
   */
  public void bindWebhooks(Webhooks webhooks, AppRegistry apps) {
    for (String app : ids(apps)) {
      if (webhooks.stats(app).isEmpty()) continue;
      AppStats<WebhookStats> of = new AppStats<>(app, webhooks::stats);
      of.gauge(
          "pushgate_webhook_queued", "status callbacks waiting to be sent", WebhookStats::queued);
      of.counter(
          "pushgate_webhook_events_offered", "status callbacks raised", WebhookStats::offered);
      of.counter(
          "pushgate_webhook_events_sent", "status callbacks delivered (2xx)", WebhookStats::sent);
      of.counter(
          "pushgate_webhook_requests",
          "callback POSTs made, retries included",
          WebhookStats::requests);
      of.counter(
          "pushgate_webhook_retries",
          "callback POSTs that retried a failed one",
          WebhookStats::retried);
      of.counter(
          "pushgate_webhook_events_failed",
          "status callbacks given up on after max-attempts",
          WebhookStats::failed);
      of.counter(
          "pushgate_webhook_events_dropped",
          "status callbacks dropped, queue full",
          WebhookStats::dropped);
      of.gauge(
          "pushgate_webhook_circuit_open",
          "1 while the app's callback endpoint's circuit breaker is open or half-open",
          x -> "closed".equals(x.circuit()) ? 0 : 1);
    }
  }

  /** Per-app upstream counters, as {@code GET /v1/apps/{app}/upstream} shows them. */
  public void bindUpstream(HttpUpstream upstream, AppRegistry apps) {
    for (String app : ids(apps)) {
      if (upstream.stats(app).isEmpty()) continue;
      AppStats<UpstreamStats> of = new AppStats<>(app, upstream::stats);
      of.gauge(
          "pushgate_upstream_in_flight",
          "upstream requests waiting for the backend",
          UpstreamStats::inFlight);
      of.counter(
          "pushgate_upstream_forwarded",
          "upstream requests sent to the backend",
          UpstreamStats::forwarded);
      of.counter("pushgate_upstream_ok", "upstream requests answered 2xx", UpstreamStats::ok);
      of.counter(
          "pushgate_upstream_rejected",
          "upstream requests answered with another status",
          UpstreamStats::rejected);
      of.counter(
          "pushgate_upstream_failed",
          "upstream requests unanswered, refused or circuit open",
          UpstreamStats::failed);
      of.counter(
          "pushgate_upstream_not_allowed",
          "upstream requests refused for their type",
          UpstreamStats::notAllowed);
      of.counter(
          "pushgate_upstream_busy",
          "upstream requests refused at max-in-flight-per-app",
          UpstreamStats::busy);
    }
  }

  private static List<String> ids(AppRegistry apps) {
    return apps.all().stream().map(App::id).toList();
  }

  /** Meters of one app read from a stats snapshot at scrape time (0 while the app has none). */
  private final class AppStats<T> {
    private final String app;
    private final Function<String, Optional<T>> stats;

    AppStats(String app, Function<String, Optional<T>> stats) {
      this.app = app;
      this.stats = stats;
      appStats.add(this); // meters hold their object weakly: keep it
    }

    void gauge(String name, String description, ToDoubleFunction<T> value) {
      Gauge.builder(name, this, s -> s.read(value))
          .description(description)
          .tag("app", app)
          .strongReference(true)
          .register(registry);
    }

    void counter(String name, String description, ToLongFunction<T> value) {
      FunctionCounter.builder(name, this, s -> s.read(value::applyAsLong))
          .description(description)
          .tag("app", app)
          .register(registry);
    }

    private double read(ToDoubleFunction<T> value) {
      return stats.apply(app).map(value::applyAsDouble).orElse(0.0);
    }
  }

  private void counter(
      String name, GatewayMetrics m, ToDoubleFunction<GatewayMetrics> value, String description) {
    FunctionCounter.builder(name, m, value).description(description).register(registry);
  }
}
