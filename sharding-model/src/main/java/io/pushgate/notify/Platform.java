package io.pushgate.notify;

import java.util.Arrays;
import java.util.Optional;

/** The mobile push providers a device can be reached through, by their wire names. */
public enum Platform {
  /** Firebase Cloud Messaging, HTTP v1 API. */
  FCM("fcm"),
  /** Apple Push Notification service, token-based HTTP/2 API. */
  APNS("apns");

  private final String wireName;

  Platform(String wireName) {
    this.wireName = wireName;
  }

  /** The name in the API and in metrics: {@code fcm} or {@code apns}. */
  public String wireName() {
    return wireName;
  }

  public static Optional<Platform> fromWireName(String name) {
    return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
  }
}
