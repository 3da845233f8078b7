package io.pushgate.api.upstream;

import com.typesafe.config.Config;
import io.pushgate.api.webhook.BackendEndpoints;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where one app's upstream data goes, by type, from {@code pushgate.apps.<app>.upstream}
 * (docs/api.md, "Upstream data"):
 *
 * <pre>
 * upstream { secret = "...32+ bytes...", default-url = "https://backend/up",
 *            types { chat = "https://chat/up", telemetry = "" } }   # "" = not allowed
 * </pre>
 *
 * A type listed in {@code types} goes to its URL (or is refused if it is empty); other types go to
 * {@code default-url}, or are refused if there is none. Immutable.
 */
public record UpstreamEndpoint(
    String app, byte[] secret, Optional<URI> defaultUrl, Map<String, Optional<URI>> types) {

  public UpstreamEndpoint {
    types = Map.copyOf(types);
  }

  /** The URL for {@code type}, or empty if the app takes no upstream data of that type. */
  public Optional<URI> urlFor(String type) {
    Optional<URI> listed = types.get(type);
    return listed != null ? listed : defaultUrl;
  }

  /**
   * @return empty if the app has no {@code upstream} section or no URL at all
   * @throws IllegalArgumentException naming the key, for a bad URL or a short secret
   */
  public static Optional<UpstreamEndpoint> fromConfig(String app, Optional<Config> upstream) {
    if (upstream.isEmpty()) return Optional.empty();
    Config c = upstream.get();
    String prefix = "pushgate.apps." + app + ".upstream.";
    Optional<URI> defaultUrl =
        BackendEndpoints.url(
            prefix + "default-url", c.hasPath("default-url") ? c.getString("default-url") : "");
    Map<String, Optional<URI>> types = new TreeMap<>();
    if (c.hasPath("types")) {
      for (String type : c.getObject("types").keySet()) {
        types.put(
            type,
            BackendEndpoints.url(
                prefix + "types." + type, c.getConfig("types").getString("\"" + type + "\"")));
      }
    }
    if (defaultUrl.isEmpty() && types.values().stream().allMatch(Optional::isEmpty))
      return Optional.empty();
    byte[] key =
        BackendEndpoints.secret(
            prefix + "secret", c.hasPath("secret") ? c.getString("secret") : "");
    return Optional.of(new UpstreamEndpoint(app, key, defaultUrl, types));
  }

  @Override
  public String toString() {
    return "UpstreamEndpoint["
        + app
        + ", default="
        + defaultUrl
        + ", types="
        + types
        + "]"; // never the secret
  }
}
