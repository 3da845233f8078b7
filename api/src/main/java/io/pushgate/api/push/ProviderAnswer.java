package io.pushgate.api.push;

import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What a provider said about one notification, classified as its documentation says to act on it.
 *
 * @param reason the provider's own code ({@code UNREGISTERED}, {@code BadDeviceToken}, ...) or ours
 *     ({@code http_503}, {@code timeout}); null when sent
 * @param retryAfter the provider's {@code Retry-After}, or null
 */
record ProviderAnswer(Kind kind, String reason, Duration retryAfter) {

  enum Kind {
    /** Accepted. */
    SENT,
    /** The token is not (or no longer) valid: remove the device. */
    INVALID_TOKEN,
    /** Try again later (429, 5xx, timeout, connection failure). */
    RETRY,
    /** Refused for good (bad request, auth, ...); the device stays. */
    FAILED
  }

  static final ProviderAnswer SENT = new ProviderAnswer(Kind.SENT, null, null);

  static ProviderAnswer invalidToken(String reason) {
    return new ProviderAnswer(Kind.INVALID_TOKEN, reason, null);
  }

  static ProviderAnswer retry(String reason, Duration retryAfter) {
    return new ProviderAnswer(Kind.RETRY, reason, retryAfter);
  }

  static ProviderAnswer failed(String reason) {
    return new ProviderAnswer(Kind.FAILED, reason, null);
  }

  /** {@code Retry-After} in seconds (HTTP-date forms are not used by FCM or APNs), or null. */
  static Duration retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("retry-after")
        .map(
            v -> {
              try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
              } catch (NumberFormatException e) {
                return null;
              }
            })
        .orElse(null);
  }
}
