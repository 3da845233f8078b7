package io.pushgate.api.push;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.Optional;

/**
 * One app's mobile push set-up, from {@code pushgate.apps.<app>.push} (apps.conf, docs/push.md). A
 * provider is on when its credentials are given, as a file or as the value itself (from a
 * variable); none given: the app's messages are never notified. Credentials are read once at
 * start-up and never logged.
 *
 * @param notifyAfter how long a QoS 1 message may stay unacked by a connected user before it is
 *     notified anyway (default 30 s)
 */
record AppPushConfig(String app, Duration notifyAfter, Optional<Fcm> fcm, Optional<Apns> apns) {

  /** FCM HTTP v1: the service account, and the API's base URL (tests, proxies). */
  record Fcm(FcmCredentials credentials, URI baseUrl) {}

  /** APNs: the signing key and the base URL (production or sandbox, tests, proxies). */
  record Apns(ApnsCredentials credentials, URI baseUrl) {}

  boolean enabled() {
    return fcm.isPresent() || apns.isPresent();
  }

  /**
   * @throws IllegalArgumentException naming the key at fault, never a credential
   */
  static AppPushConfig fromConfig(String app, Config push) {
    String prefix = "pushgate.apps." + app + ".push.";
    Duration notifyAfter =
        push.hasPath("notify-after") ? push.getDuration("notify-after") : Duration.ofSeconds(30);
    if (notifyAfter.isNegative())
      throw new IllegalArgumentException(prefix + "notify-after must be >= 0");
    Optional<Fcm> fcm = Optional.empty();
    if (push.hasPath("fcm")) {
      Config c = push.getConfig("fcm");
      Optional<String> json = secret(c, "service-account-file", "service-account", prefix + "fcm");
      if (json.isPresent()) {
        FcmCredentials creds = FcmCredentials.fromJson(json.get(), prefix + "fcm.service-account");
        String project = text(c, "project-id");
        if (!project.isEmpty())
          creds =
              new FcmCredentials(
                  project,
                  creds.clientEmail(),
                  creds.privateKeyId(),
                  creds.privateKey(),
                  creds.tokenUri());
        String tokenUri = text(c, "token-url");
        if (!tokenUri.isEmpty())
          creds =
              new FcmCredentials(
                  creds.projectId(),
                  creds.clientEmail(),
                  creds.privateKeyId(),
                  creds.privateKey(),
                  tokenUri);
        fcm =
            Optional.of(
                new Fcm(
                    creds,
                    URI.create(orDefault(text(c, "base-url"), "https://fcm.googleapis.com"))));
      }
    }
    Optional<Apns> apns = Optional.empty();
    if (push.hasPath("apns")) {
      Config c = push.getConfig("apns");
      Optional<String> pem = secret(c, "key-file", "key", prefix + "apns");
      if (pem.isPresent()) {
        String keyId = required(c, "key-id", prefix + "apns.key-id");
        String teamId = required(c, "team-id", prefix + "apns.team-id");
        ECPrivateKey key = (ECPrivateKey) PemKeys.privateKey(pem.get(), "EC", prefix + "apns.key");
        apns =
            Optional.of(
                new Apns(
                    new ApnsCredentials(keyId, teamId, key, text(c, "topic")),
                    URI.create(orDefault(text(c, "base-url"), "https://api.push.apple.com"))));
      }
    }
    return new AppPushConfig(app, notifyAfter, fcm, apns);
  }

  /**
   * The value of {@code valueKey}, else the content of the file named by {@code fileKey}; empty if
   * neither.
   */
  private static Optional<String> secret(Config c, String fileKey, String valueKey, String where) {
    String value = text(c, valueKey);
    if (!value.isEmpty()) return Optional.of(value);
    String file = text(c, fileKey);
    if (file.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(where + "." + fileKey + ": cannot read " + file, e);
    }
  }

  private static String required(Config c, String key, String name) {
    String value = text(c, key);
    if (value.isEmpty())
      throw new IllegalArgumentException(name + " is required when a key is given");
    return value;
  }

  private static String text(Config c, String key) {
    return c.hasPath(key) ? c.getString(key).trim() : "";
  }

  private static String orDefault(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }
}
