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
import io.pushgate.gateway.connection.GatewayMetrics;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's metrics registry (Micrometer with its Prometheus registry), served as text at
 * {@code GET /metrics} on the management port ({@link MetricsRoutes}). Created with the JVM's
 * binders (memory, GC, threads, class loading, CPU); the gateway's counters are bound once it
 * runs ({@link #bindGateway}). Labels never carry users or connection ids: cardinality stays
 * bounded. Thread-safe.
 */
public final class NodeMetrics implements Extension {

  private static final ExtensionId<NodeMetrics> ID =
      new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
          return new NodeMetrics();
        }
      };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private NodeMetrics() {
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
    Gauge.builder("pushgate_connections_open", m, GatewayMetrics::openConnections)
        .description("client connections open now (WebSocket and TCP)")
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

  private void counter(String name, GatewayMetrics m, ToDoubleFunction<GatewayMetrics> value, String description) {
    FunctionCounter.builder(name, m, value).description(description).register(registry);
  }
}
