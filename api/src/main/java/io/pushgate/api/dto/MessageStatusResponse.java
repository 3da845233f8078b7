package io.pushgate.api.dto;

import io.pushgate.session.MessageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Body of {@code GET /v1/apps/{app}/users/{user}/messages/{id}}.
 *
 * @param status pending, acked, expired, replaced, dropped, undeliverable or unknown
 * @param seq its sequence number in the session, null if unknown
 * @param deliveries deliveries on connections that went away without acking it
 * @param since ISO-8601: when it was accepted (pending) or reached its end; null if unknown
 * @param notifications the devices its notification went to (docs/push.md), empty if none
 */
public record MessageStatusResponse(
    String id,
    String user,
    String status,
    Long seq,
    int deliveries,
    String since,
    List<Notified> notifications) {

  /**
   * One device's notification: {@code result} is pending, sent, failed, unregistered (the device
   * was removed) or dropped; {@code reason} the provider's or our code, null when sent.
   */
  public record Notified(String device, String platform, String result, String reason, String at) {}

  public static MessageStatusResponse of(String user, MessageStatus s) {
    boolean known = s.fate() != MessageStatus.Fate.UNKNOWN;
    return new MessageStatusResponse(
        s.messageId(),
        user,
        s.fate().name().toLowerCase(Locale.ROOT),
        known ? s.seq() : null,
        s.deliveries(),
        known ? Instant.ofEpochMilli(s.sinceMillis()).toString() : null,
        s.notifications().stream()
            .map(
                o ->
                    new Notified(
                        o.deviceId(),
                        o.platform().wireName(),
                        o.resultName(),
                        o.reason(),
                        Instant.ofEpochMilli(o.atMillis()).toString()))
            .toList());
  }
}
