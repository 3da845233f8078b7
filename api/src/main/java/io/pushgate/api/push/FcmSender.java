package io.pushgate.api.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.ApiJson;
import io.pushgate.notify.Device;
import io.pushgate.notify.Notification;
import io.pushgate.notify.NotificationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * FCM HTTP v1: {@code POST {base}/v1/projects/{project}/messages:send} with a bearer access token
 * ({@link FcmAccessTokens}) and {@code {"message":{"token":..,"notification":{..},"data":{..},
 * "android":{"ttl":..,"collapse_key":..},"apns":{..}}}}. Answers as FCM documents them: 200 sent;
 * {@code UNREGISTERED} (404) invalid token; 429 ({@code QUOTA_EXCEEDED}) and 5xx retried with
 * {@code Retry-After}; 401 renews the access token and is retried; other errors fail with FCM's
 * error code. Thread-safe.
 */
final class FcmSender implements ProviderSender {

  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final FcmAccessTokens tokens;
  private final URI sendUrl;

  FcmSender(AppPushConfig.Fcm config, HttpClient http, Duration timeout, Clock clock) {
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
    this.tokens = new FcmAccessTokens(config.credentials(), http, timeout, clock);
    String base = config.baseUrl().toString().replaceAll("/+$", "");
    this.sendUrl =
        URI.create(base + "/v1/projects/" + config.credentials().projectId() + "/messages:send");
  }

  @Override
  public CompletionStage<ProviderAnswer> send(NotificationRequest request, Device device) {
    byte[] body = ApiJson.bytes(Map.of("message", message(request, device)));
    return tokens
        .token()
        .thenCompose(
            token ->
                http.sendAsync(
                    HttpRequest.newBuilder(sendUrl)
                        .version(ProviderSender.versionFor(sendUrl))
                        .timeout(timeout)
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json; charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .thenApply(this::classify);
  }

  private Map<String, Object> message(NotificationRequest request, Device device) {
    Notification n = request.notification();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("token", device.token());
    Map<String, Object> alert = new LinkedHashMap<>();
    if (n.title() != null) alert.put("title", n.title());
    if (n.body() != null) alert.put("body", n.body());
    message.put("notification", alert);
    Map<String, String> data = new LinkedHashMap<>(n.data());
    data.put("pushgateMessageId", request.messageId());
    message.put("data", data);
    long ttlSeconds = Math.max(0, (request.expiresAtMillis() - clock.millis()) / 1000);
    Map<String, Object> android = new LinkedHashMap<>();
    android.put("ttl", ttlSeconds + "s");
    if (n.collapseKey() != null) android.put("collapse_key", n.collapseKey());
    if (n.sound() != null) android.put("notification", Map.of("sound", n.sound()));
    message.put("android", android);
    Map<String, Object> apnsHeaders = new LinkedHashMap<>();
    apnsHeaders.put("apns-expiration", Long.toString(request.expiresAtMillis() / 1000));
    if (n.collapseKey() != null) apnsHeaders.put("apns-collapse-id", n.collapseKey());
    Map<String, Object> aps = new LinkedHashMap<>();
    if (n.sound() != null) aps.put("sound", n.sound());
    if (n.badge() != null) aps.put("badge", n.badge());
    message.put("apns", Map.of("headers", apnsHeaders, "payload", Map.of("aps", aps)));
    return message;
  }

  private ProviderAnswer classify(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status == 200) return ProviderAnswer.SENT;
    String code = errorCode(response.body(), status);
    if ("UNREGISTERED".equals(code)) return ProviderAnswer.invalidToken(code);
    if (status == 401) {
      tokens.invalidate();
      return ProviderAnswer.retry(code, null);
    }
    if (status == 429 || status >= 500)
      return ProviderAnswer.retry(code, ProviderAnswer.retryAfter(response));
    return ProviderAnswer.failed(code);
  }

  /**
   * FCM's {@code FcmError.errorCode} if given, else the error's {@code status}, else {@code
   * http_<status>}.
   */
  private static String errorCode(byte[] body, int status) {
    try {
      JsonNode error = ApiJson.parse(body).path("error");
      for (JsonNode detail : error.path("details")) {
        String code = detail.path("errorCode").asText("");
        if (!code.isEmpty()) return code;
      }
      String s = error.path("status").asText("");
      if (!s.isEmpty()) return s;
    } catch (RuntimeException notJson) {
      // fall through
    }
    return "http_" + status;
  }
}
