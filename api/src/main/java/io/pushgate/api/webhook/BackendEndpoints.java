package io.pushgate.api.webhook;

import com.typesafe.config.Config;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.pekko.pattern.CircuitBreaker;

/**
 * What every per-app backend endpoint (status callbacks, upstream data) checks the same way: its
 * URLs, its signing secret, and how its circuit state is shown. Pure and thread-safe.
 */
public final class BackendEndpoints {

  /** Shortest signing secret: HMAC-SHA256 wants a key as long as its hash. */
  public static final int MIN_SECRET_BYTES = 32;

  private BackendEndpoints() {}

  /**
   * @param key the configuration key, named in errors
   * @param value the configured URL; blank means none
   * @throws IllegalArgumentException if it is not an http:// or https:// URL with a host
   */
  public static Optional<URI> url(String key, String value) {
    String url = value == null ? "" : value.trim();
    if (url.isEmpty()) return Optional.empty();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL, was " + url);
    }
    return Optional.of(uri);
  }

  /**
   * @throws IllegalArgumentException naming {@code key} if the secret is shorter than 32 bytes
   */
  public static byte[] secret(String key, String value) {
    byte[] secret = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(key + " must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    return secret;
  }

  /**
   * Every app's {@code pushgate.apps.<app>.<section>} object (empty for an app without one), in app
   * order; no apps at all is an empty map.
   */
  public static SortedMap<String, Optional<Config>> appSections(Config config, String section) {
    SortedMap<String, Optional<Config>> sections = new TreeMap<>();
    if (!config.hasPath("pushgate.apps")) return sections;
    Config apps = config.getConfig("pushgate.apps");
    for (String app : config.getObject("pushgate.apps").keySet()) {
      Config one = apps.getConfig("\"" + app + "\"");
      sections.put(
          app, one.hasPath(section) ? Optional.of(one.getConfig(section)) : Optional.empty());
    }
    return sections;
  }

  /** {@code closed}, {@code open} or {@code half-open}. */
  public static String circuit(CircuitBreaker breaker) {
    return breaker.isOpen() ? "open" : breaker.isHalfOpen() ? "half-open" : "closed";
  }
}
