package io.pushgate.notify;

import java.util.List;
import java.util.Objects;

/**
 * Notify these devices of one message.
 *
 * @param expiresAtMillis the message's expiry; the provider's expiry is set to it, and a
 *     notification whose message expired before it could be sent is dropped
 */
public record NotificationRequest(
    String app,
    String user,
    String messageId,
    Notification notification,
    long expiresAtMillis,
    List<Device> devices) {

  public NotificationRequest {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(notification, "notification");
    devices = List.copyOf(devices);
  }
}
