package io.pushgate.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The apps this node serves, read once from {@code pushgate.apps} (see apps.conf):
 * <pre>
 * pushgate.apps.demo { api-key = "...", token-secret = "...", dev-credentials = false }
 * </pre>
 * Immutable and thread-safe.
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
      byId.put(id, new App(id, app.getString("api-key"), app.getString("token-secret"), dev));
    }
    return new AppRegistry(byId.values());
  }

  public Optional<App> find(String id) {
    return Optional.ofNullable(id == null ? null : apps.get(id));
  }

  public Collection<App> all() {
    return apps.values();
  }
}
