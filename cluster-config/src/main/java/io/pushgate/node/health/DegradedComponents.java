package io.pushgate.node.health;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Components that can run degraded without failing the node (e.g. Redis down: rate limits fall back
 * to a local limiter). Each registers a probe; {@code /ready} reports every component whose probe
 * returns details as "degraded" while still answering 200. Probes must be cheap and non-blocking
 * (they run on every {@code /ready} request). Thread-safe.
 */
public final class DegradedComponents implements Extension {

  private final Map<String, Supplier<Optional<Map<String, Object>>>> probes =
      new ConcurrentHashMap<>();

  /**
   * @param probe empty while the component is healthy; details (e.g. counts) while degraded
   */
  public void register(String component, Supplier<Optional<Map<String, Object>>> probe) {
    probes.put(component, probe);
  }

  /** The components degraded right now, with their details, sorted by name. */
  public Map<String, Map<String, Object>> current() {
    Map<String, Map<String, Object>> degraded = new TreeMap<>();
    probes.forEach((name, probe) -> probe.get().ifPresent(details -> degraded.put(name, details)));
    return degraded;
  }

  public static final ExtensionId<DegradedComponents> ID =
      new ExtensionId<>() {
        @Override
        public DegradedComponents createExtension(ActorSystem<?> system) {
          return new DegradedComponents();
        }
      };

  public static DegradedComponents get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }
}
