package io.pushgate.notify;

import io.pushgate.model.CborSerializable;
import java.util.Map;

/**
 * What a QoS 1 message shows on a device through its mobile push provider when its user is away
 * (docs/push.md). Validated and bounded by the API.
 *
 * @param title the alert's title (may be null)
 * @param body the alert's text (may be null, but not both)
 * @param data string key/values passed to the app (FCM {@code data}, APNs custom keys)
 * @param sound the sound to play, or null
 * @param badge APNs badge count, or null
 * @param collapseKey newer notifications with the same key replace older ones on the device (APNs
 *     {@code apns-collapse-id}, FCM {@code collapse_key}), or null
 */
public record Notification(
    String title,
    String body,
    Map<String, String> data,
    String sound,
    Integer badge,
    String collapseKey)
    implements CborSerializable {

  public Notification {
    data = data == null ? Map.of() : Map.copyOf(data);
  }
}
