package io.pushgate.api.push;

import io.pushgate.api.ApiJson;
import io.pushgate.notify.Device;
import io.pushgate.notify.Notification;
import io.pushgate.notify.NotificationRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * APNs over HTTP/2: {@code POST {base}/3/device/{token}} with {@code authorization: bearer <ES256
 * JWT>}, {@code apns-topic}, {@code apns-push-type: alert}, {@code apns-expiration} (the message's
 * expiry), {@code apns-priority: 10} and {@code apns-collapse-id}; body {@code {"aps":{"alert":
 * {"title","body"},"sound","badge"}, <data keys>, "pushgateMessageId"}}. Answers as Apple documents
 * them: 200 sent; 410 {@code Unregistered} and 400 {@code BadDeviceToken} invalid token; 403 {@code
 * ExpiredProviderToken} renews the JWT and is retried; 429 and 5xx retried; others fail with
 * Apple's reason. Thread-safe.
 */
final class ApnsSender implements ProviderSender {

  private static final Set<String> INVALID_TOKEN = Set.of("BadDeviceToken", "Unregistered");

  private final AppPushConfig.Apns config;
  private final HttpClient http;
  private final Duration timeout;
  private final ApnsTokens tokens;
  private final String base;

  ApnsSender(AppPushConfig.Apns config, HttpClient http, Duration timeout, Clock clock) {
    this.config = config;
    this.http = http;
    this.timeout = timeout;
    this.tokens = new ApnsTokens(config.credentials(), clock);
    this.base = config.baseUrl().toString().replaceAll("/+$", "");
  }

  @Override
  public CompletionStage<ProviderAnswer> send(NotificationRequest request, Device device) {
    Notification n = request.notification();
    String topic =
        device.topic() != null && !device.topic().isEmpty()
            ? device.topic()
            : config.credentials().topic();
    if (topic == null || topic.isEmpty()) {
      return CompletableFuture.completedFuture(ProviderAnswer.failed("no_topic"));
    }
    String jwt = tokens.token();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(
                URI.create(
                    base
                        + "/3/device/"
                        + URLEncoder.encode(device.token(), StandardCharsets.UTF_8)))
            .version(ProviderSender.versionFor(config.baseUrl()))
            .timeout(timeout)
            .header("authorization", "bearer " + jwt)
            .header("apns-topic", topic)
            .header("apns-push-type", "alert")
            .header("apns-expiration", Long.toString(request.expiresAtMillis() / 1000))
            .header("apns-priority", "10")
            .header("content-type", "application/json");
    if (n.collapseKey() != null) builder.header("apns-collapse-id", n.collapseKey());
    byte[] body = ApiJson.bytes(payload(request));
    return http.sendAsync(
            builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> classify(response, jwt));
  }

  private static Map<String, Object> payload(NotificationRequest request) {
    Notification n = request.notification();
    Map<String, Object> alert = new LinkedHashMap<>();
    if (n.title() != null) alert.put("title", n.title());
    if (n.body() != null) alert.put("body", n.body());
    Map<String, Object> aps = new LinkedHashMap<>();
    aps.put("alert", alert);
    if (n.sound() != null) aps.put("sound", n.sound());
    if (n.badge() != null) aps.put("badge", n.badge());
    Map<String, Object> payload = new LinkedHashMap<>(n.data());
    payload.put("aps", aps);
    payload.put("pushgateMessageId", request.messageId());
    return payload;
  }

  private ProviderAnswer classify(HttpResponse<byte[]> response, String jwt) {
    int status = response.statusCode();
    if (status == 200) return ProviderAnswer.SENT;
    String reason = reason(response.body(), status);
    if (status == 410 || INVALID_TOKEN.contains(reason)) {
      return ProviderAnswer.invalidToken(reason);
    }
    if (status == 403
        && ("ExpiredProviderToken".equals(reason) || "InvalidProviderToken".equals(reason))) {
      tokens.invalidate(jwt);
      return "ExpiredProviderToken".equals(reason)
          ? ProviderAnswer.retry(reason, null)
          : ProviderAnswer.failed(reason);
    }
    if (status == 429 || status >= 500)
      return ProviderAnswer.retry(reason, ProviderAnswer.retryAfter(response));
    return ProviderAnswer.failed(reason);
  }

  private static String reason(byte[] body, int status) {
    try {
      String reason = ApiJson.parse(body).path("reason").asText("");
      if (!reason.isEmpty()) return reason;
    } catch (RuntimeException notJson) {
      // fall through
    }
    return "http_" + status;
  }
}
