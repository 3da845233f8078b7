package io.pushgate.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * One tenant of the push system: backends authenticate with {@code apiKey}, clients with JWTs
 * signed by {@code tokenSecret} (HS256, at least 32 bytes).
 *
 * @param devCredentials true when the credentials are the published development defaults; the node
 *     warns at start-up while any app uses them
 * @param limits TTL bounds, overflow policy and send rate of this app
 */
public record App(
    String id, String apiKey, String tokenSecret, boolean devCredentials, AppLimits limits) {

  /** Minimum token secret length in bytes (HS256 wants a key as long as its hash). */
  public static final int MIN_SECRET_BYTES = 32;

  public App {
    if (!SessionId.isValidApp(id)) throw new IllegalArgumentException("invalid app id: " + id);
    if (apiKey == null || apiKey.isBlank())
      throw new IllegalArgumentException("app " + id + ": api-key is empty");
    if (tokenSecret == null
        || tokenSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "app " + id + ": token-secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    if (limits == null) limits = AppLimits.DEFAULTS;
  }

  /** An app with the default limits. */
  public App(String id, String apiKey, String tokenSecret, boolean devCredentials) {
    this(id, apiKey, tokenSecret, devCredentials, AppLimits.DEFAULTS);
  }

  /** Constant-time comparison of a presented API key with this app's key. */
  public boolean acceptsApiKey(String presented) {
    if (presented == null) return false;
    return MessageDigest.isEqual(
        apiKey.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "App[" + id + "]"; // never print credentials
  }
}
