package io.pushgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.model.Qos;
import io.pushgate.notify.Device;
import io.pushgate.notify.Notification;
import io.pushgate.notify.Platform;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the mobile push parts of requests (docs/push.md): a message's {@code notification} and
 * a device registration. The bounds keep a notification inside both providers' 4 KB payload limit.
 */
final class PushRequests {

  static final int MAX_TITLE = 256;
  static final int MAX_BODY = 2048;
  static final int MAX_SOUND = 64;
  static final int MAX_COLLAPSE_KEY = 64; // apns-collapse-id: at most 64 bytes
  static final int MAX_DATA_KEYS = 32;
  static final int MAX_DATA_KEY = 64;

  /**
   * The whole notification as compact JSON; leaves room in the providers' 4 KB for their framing.
   */
  static final int MAX_NOTIFICATION_BYTES = 3072;

  static final int MAX_BADGE = 99_999;

  private static final Set<String> NOTIFICATION_FIELDS =
      Set.of("title", "body", "data", "sound", "badge", "collapseKey");
  private static final Set<String> DEVICE_FIELDS = Set.of("platform", "token", "topic");

  /** Keys the providers reserve (FCM: from, message_type, google*, gcm*; APNs: aps) or we set. */
  private static final Set<String> RESERVED_DATA_KEYS =
      Set.of("aps", "from", "message_type", "notification", "pushgateMessageId");

  private static final Pattern DEVICE_ID =
      Pattern.compile("[A-Za-z0-9._:-]{1," + Device.MAX_ID_LENGTH + "}");
  private static final Pattern BUNDLE_ID = Pattern.compile("[A-Za-z0-9.-]{1,255}");

  private PushRequests() {}

  /** A message's {@code notification}; null when absent. */
  static Notification notification(JsonNode node, Qos qos) {
    if (node == null || node.isNull()) return null;
    if (!node.isObject()) throw invalid("notification", "\"notification\" must be an object");
    if (qos != Qos.AT_LEAST_ONCE)
      throw invalid("notification", "\"notification\" needs qos 1 (QoS 0 is never stored)");
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!NOTIFICATION_FIELDS.contains(name)) {
        throw invalid(
            "notification." + name,
            "unknown field; allowed: badge, body, collapseKey, data, sound, title");
      }
    }
    String title = text(node, "title", MAX_TITLE);
    String body = text(node, "body", MAX_BODY);
    if (title == null && body == null)
      throw invalid("notification", "a notification needs a \"title\" or a \"body\"");
    String sound = text(node, "sound", MAX_SOUND);
    String collapseKey = text(node, "collapseKey", MAX_COLLAPSE_KEY);
    Integer badge = null;
    JsonNode b = node.get("badge");
    if (b != null && !b.isNull()) {
      if (!b.isIntegralNumber()
          || !b.canConvertToInt()
          || b.intValue() < 0
          || b.intValue() > MAX_BADGE) {
        throw invalid(
            "notification.badge", "\"badge\" must be a whole number from 0 to " + MAX_BADGE);
      }
      badge = b.intValue();
    }
    Map<String, String> data = data(node.get("data"));
    int bytes = RequestParser.utf8Length(ApiJson.compact(node));
    if (bytes > MAX_NOTIFICATION_BYTES) {
      throw invalid(
          "notification",
          "the notification is "
              + bytes
              + " bytes as compact JSON; at most "
              + MAX_NOTIFICATION_BYTES);
    }
    return new Notification(title, body, data, sound, badge, collapseKey);
  }

  /** A device registration body {@code {"platform","token","topic"}} for device {@code id}. */
  static Device device(String id, JsonNode root, long nowMillis) {
    if (!DEVICE_ID.matcher(id).matches()) {
      throw invalid(
          ErrorCode.INVALID_DEVICE,
          "id",
          "a device id is 1.." + Device.MAX_ID_LENGTH + " characters of [A-Za-z0-9._:-]");
    }
    if (!root.isObject())
      throw ApiProblem.field(
          ErrorCode.INVALID_FIELD, "(body)", "the request body must be a JSON object");
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!DEVICE_FIELDS.contains(name)) {
        throw ApiProblem.field(
            ErrorCode.INVALID_FIELD,
            name,
            "unknown field \"" + name + "\"; allowed: platform, token, topic");
      }
    }
    JsonNode p = root.get("platform");
    Platform platform =
        (p != null && p.isTextual()
                ? Platform.fromWireName(p.textValue())
                : Optional.<Platform>empty())
            .orElseThrow(
                () ->
                    invalid(
                        ErrorCode.INVALID_DEVICE,
                        "platform",
                        "\"platform\" must be \"fcm\" or \"apns\""));
    JsonNode t = root.get("token");
    if (t == null
        || !t.isTextual()
        || t.textValue().isBlank()
        || t.textValue().length() > Device.MAX_TOKEN_LENGTH) {
      throw invalid(
          ErrorCode.INVALID_DEVICE,
          "token",
          "\"token\" must be the provider's token: 1.." + Device.MAX_TOKEN_LENGTH + " characters");
    }
    JsonNode topic = root.get("topic");
    String bundle = null;
    if (topic != null && !topic.isNull()) {
      if (!topic.isTextual() || !BUNDLE_ID.matcher(topic.textValue()).matches()) {
        throw invalid(
            ErrorCode.INVALID_DEVICE,
            "topic",
            "\"topic\" must be an app bundle id (APNs apns-topic), e.g. com.example.app");
      }
      bundle = topic.textValue();
    }
    return new Device(id, platform, t.textValue(), bundle, nowMillis);
  }

  private static Map<String, String> data(JsonNode data) {
    if (data == null || data.isNull()) return Map.of();
    if (!data.isObject())
      throw invalid("notification.data", "\"data\" must be an object of string values");
    if (data.size() > MAX_DATA_KEYS)
      throw invalid("notification.data", "\"data\" has more than " + MAX_DATA_KEYS + " keys");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.isEmpty()
          || key.length() > MAX_DATA_KEY
          || RESERVED_DATA_KEYS.contains(key)
          || key.startsWith("google")
          || key.startsWith("gcm")) {
        throw invalid(
            "notification.data." + key,
            "keys are 1.."
                + MAX_DATA_KEY
                + " characters, not aps, from, message_type, notification, pushgateMessageId or google*/gcm*");
      }
      if (!e.getValue().isTextual())
        throw invalid("notification.data." + key, "values of \"data\" must be strings");
      out.put(key, e.getValue().textValue());
    }
    return out;
  }

  private static String text(JsonNode node, String field, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual() || v.textValue().isEmpty() || v.textValue().length() > max) {
      throw invalid(
          "notification." + field,
          "\"" + field + "\" must be a string of 1.." + max + " characters");
    }
    return v.textValue();
  }

  private static ApiProblem invalid(String field, String detail) {
    return invalid(ErrorCode.INVALID_NOTIFICATION, field, detail);
  }

  private static ApiProblem invalid(ErrorCode code, String field, String detail) {
    return ApiProblem.field(code, field, detail);
  }
}
