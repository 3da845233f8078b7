package io.pushgate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The actor system's one meter registry, which every module records into. It is a Micrometer {@link
 * CompositeMeterRegistry}: the node adds its Prometheus registry (served at {@code GET /metrics},
 * docs/operations.md "Metrics"), tests add a simple one to read counts; with no registry added
 * every meter is a no-op. Metric names and labels are documented where they are recorded ({@link
 * MessageMeters} for the message path). Labels never carry users, connection ids or message ids: an
 * app label is bounded by the configured apps. Thread-safe.
 */
public final class PushgateMeters implements Extension {

  private static final ExtensionId<PushgateMeters> ID =
      new ExtensionId<>() {
        @Override
        public PushgateMeters createExtension(ActorSystem<?> system) {
          return new PushgateMeters();
        }
      };

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

  /** Made on first use, so an exporter added at start-up is there before any meter exists. */
  private volatile MessageMeters messages;

  private PushgateMeters() {}

  public static PushgateMeters get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Where meters are registered; add a registry to it to export or read them. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Adds an exporting (or, in tests, reading) registry: meters made before and after reach it. */
  public void add(MeterRegistry exporter) {
    registry.add(exporter);
  }

  /** The message path's meters, per app. */
  public MessageMeters messages() {
    MessageMeters m = messages;
    if (m != null) return m;
    synchronized (this) {
      if (messages == null) messages = new MessageMeters(registry);
      return messages;
    }
  }
}
