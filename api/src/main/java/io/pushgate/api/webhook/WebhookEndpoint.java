package io.pushgate.api.webhook;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.pushgate.callback.CallbackEventType;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One app's callback endpoint, from {@code pushgate.apps.<app>.callbacks} (docs/api.md, "Status
 * callbacks"):
 *
 * <pre>
 * callbacks { url = "https://backend.example/pushgate", secret = "...32+ bytes...",
 *             events = [online, offline, message.acked], offline-delay = 3s }
 * </pre>
 *
 * An empty or missing {@code url} means no callbacks for the app.
 *
 * @param secret HMAC-SHA256 key of the {@code Pushgate-Signature} header (at least 32 bytes)
 * @param events the event types the app wants (at least one)
 * @param offlineDelay debounce of {@code offline}
 */
public record WebhookEndpoint(
    String app, URI url, byte[] secret, Set<CallbackEventType> events, Duration offlineDelay) {

  public WebhookEndpoint {
    events = Set.copyOf(events);
  }

  /**
   * @param callbacks the app's {@code callbacks} object, if any
   * @throws IllegalArgumentException naming the key, for a bad URL, short secret or unknown event
   */
  public static Optional<WebhookEndpoint> fromConfig(
      String app, Optional<Config> callbacks, Duration defaultOfflineDelay) {
    if (callbacks.isEmpty()) return Optional.empty();
    Config c = callbacks.get();
    String prefix = "pushgate.apps." + app + ".callbacks.";
    Optional<URI> url =
        BackendEndpoints.url(prefix + "url", c.hasPath("url") ? c.getString("url") : "");
    if (url.isEmpty()) return Optional.empty();
    byte[] key =
        BackendEndpoints.secret(
            prefix + "secret", c.hasPath("secret") ? c.getString("secret") : "");
    Set<CallbackEventType> events = EnumSet.noneOf(CallbackEventType.class);
    for (String name : eventNames(c)) {
      events.add(
          CallbackEventType.fromWireName(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          prefix
                              + "events: unknown event \""
                              + name
                              + "\"; known: "
                              + Arrays.stream(CallbackEventType.values())
                                  .map(CallbackEventType::wireName)
                                  .toList())));
    }
    if (events.isEmpty())
      throw new IllegalArgumentException(prefix + "events must name at least one event");
    Duration offlineDelay =
        c.hasPath("offline-delay") ? c.getDuration("offline-delay") : defaultOfflineDelay;
    return Optional.of(new WebhookEndpoint(app, url.get(), key, events, offlineDelay));
  }

  /** A list, or a comma-separated string (so one environment variable can set it). */
  private static List<String> eventNames(Config c) {
    if (!c.hasPath("events")) return List.of();
    if (c.getValue("events").valueType() == ConfigValueType.LIST) {
      return c.getStringList("events").stream()
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .toList();
    }
    return Arrays.stream(c.getString("events").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  @Override
  public String toString() {
    return "WebhookEndpoint["
        + app
        + " -> "
        + url
        + ", events="
        + events
        + "]"; // never print the secret
  }
}
