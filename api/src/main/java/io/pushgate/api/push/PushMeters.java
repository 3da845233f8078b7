package io.pushgate.api.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Mobile push metrics (docs/push.md): {@code pushgate_push_notifications_total{app, provider,
 * result, reason}} (one per device notification: sent, failed, unregistered, dropped; reason is the
 * provider's code or ours, a bounded set), {@code pushgate_push_retries_total{app, provider}},
 * {@code pushgate_push_devices_removed_total{app, provider}} and the gauge {@code
 * pushgate_push_queue_depth{app}} and {@code pushgate_push_circuit_open{app, provider}}.
 * Thread-safe.
 */
final class PushMeters {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  PushMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  void outcome(String app, String provider, String result, String reason) {
    counter(
            "pushgate.push.notifications",
            "device notifications by result",
            app,
            provider,
            "result",
            result,
            "reason",
            reason == null ? "" : reason)
        .increment();
    if ("unregistered".equals(result))
      counter(
              "pushgate.push.devices.removed",
              "devices removed on the provider's word",
              app,
              provider)
          .increment();
  }

  void retried(String app, String provider) {
    counter("pushgate.push.retries", "provider requests tried again", app, provider).increment();
  }

  void circuit(String app, String provider, Supplier<Number> open) {
    Gauge.builder("pushgate.push.circuit.open", open)
        .description("1 while the app's circuit to the provider is open or half-open")
        .tag("app", app)
        .tag("provider", provider)
        .register(registry);
  }

  void queue(String app, Supplier<Number> depth) {
    Gauge.builder("pushgate.push.queue.depth", depth)
        .description("device notifications waiting on this node")
        .tag("app", app)
        .register(registry);
  }

  private Counter counter(
      String name, String description, String app, String provider, String... tags) {
    StringBuilder key =
        new StringBuilder(name).append('\n').append(app).append('\n').append(provider);
    for (String t : tags) key.append('\n').append(t);
    return counters.computeIfAbsent(
        key.toString(),
        k -> {
          Counter.Builder b =
              Counter.builder(name)
                  .description(description)
                  .tag("app", app)
                  .tag("provider", provider);
          for (int i = 0; i + 1 < tags.length; i += 2) b = b.tag(tags[i], tags[i + 1]);
          return b.register(registry);
        });
  }
}
