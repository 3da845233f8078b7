package io.pushgate.api.upstream;

import com.typesafe.config.Config;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where one app's upstream data goes, by type, from {@code pushgate.apps.<app>.upstream}
 * (docs/api.md, "Upstream data"):
 * <pre>
 * upstream { secret = "...32+ bytes...", default-url = "https://backend/up",
 *            types { chat = "https://chat/up", telemetry = "" } }   # "" = not allowed
 * </pre>
 * A type listed in {@code types} goes to its URL (or is refused if it is empty); other types go to
 * {@code default-url}, or are refused if there is none. Immutable.
 */
public record UpstreamEndpoint(String app, byte[] secret, Optional<URI> defaultUrl, Map<String, Optional<URI>> types) {

  public static final int MIN_SECRET_BYTES = 32;

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
    Optional<URI> defaultUrl = url(prefix + "default-url", c.hasPath("default-url") ? c.getString("default-url") : "");
    Map<String, Optional<URI>> types = new TreeMap<>();
    if (c.hasPath("types")) {
      for (String type : c.getObject("types").keySet()) {
        types.put(type, url(prefix + "types." + type, c.getConfig("types").getString("\"" + type + "\"")));
      }
    }
    if (defaultUrl.isEmpty() && types.values().stream().allMatch(Optional::isEmpty)) return Optional.empty();
    String secret = c.hasPath("secret") ? c.getString("secret") : "";
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(prefix + "secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    return Optional.of(new UpstreamEndpoint(app, key, defaultUrl, types));
  }

  private static Optional<URI> url(String key, String value) {
    String url = value.trim();
    if (url.isEmpty()) return Optional.empty();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL, was " + url);
    }
    return Optional.of(uri);
  }

  @Override
  public String toString() {
    return "UpstreamEndpoint[" + app + ", default=" + defaultUrl + ", types=" + types + "]"; // never the secret
  }
}
