package io.pushgate.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The apps this node serves, read once from {@code pushgate.apps} (see apps.conf):
 *
 * <pre>
 * pushgate.apps.demo { api-key = "...", token-secret = "...", dev-credentials = false,
 *                      limits { default-ttl = 24h, max-ttl = 30d, overflow = reject, ... } }
 * </pre>
 *
 * Each app's {@code limits} fall back to {@code pushgate.app-defaults} key by key. Immutable and
 * thread-safe.
 */
public final class AppRegistry {

  private final Map<String, App> apps;

  public AppRegistry(Collection<App> apps) {
    Map<String, App> byId = new TreeMap<>();
    for (App app : apps) byId.put(app.id(), app);
    this.apps = Map.copyOf(byId);
  }

  public static AppRegistry fromConfig(Config config) {
    ConfigObject root = config.getObject("pushgate.apps");
    Map<String, App> byId = new TreeMap<>();
    for (String id : root.keySet()) {
      Config app = root.toConfig().getConfig(id);
      boolean dev = app.hasPath("dev-credentials") && app.getBoolean("dev-credentials");
      Config defaults = config.getConfig("pushgate.app-defaults");
      Config limits =
          app.hasPath("limits") ? app.getConfig("limits").withFallback(defaults) : defaults;
      byId.put(
          id,
          new App(
              id,
              app.getString("api-key"),
              app.getString("token-secret"),
              dev,
              AppLimits.fromConfig(limits)));
    }
    return new AppRegistry(byId.values());
  }

  public Optional<App> find(String id) {
    return Optional.ofNullable(id == null ? null : apps.get(id));
  }

  /**
   * The app's send rate (messages per second), or the default for an app this node does not know.
   */
  public int sendRate(String app) {
    App found = app == null ? null : apps.get(app);
    return found == null ? AppLimits.DEFAULTS.sendRate() : found.limits().sendRate();
  }

  public Collection<App> all() {
    return apps.values();
  }
}
