package io.pushgate.callback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds {@link CallbackEvent}s with their ids. Message fates and connection events have ids
 * derived from what they report ({@code message.acked:app:user:messageId}, {@code
 * connected:connectionId:app}), so one that is raised twice (a session replaying its journal on
 * another node, a retried delivery) is recognisably the same; online and offline get a random id
 * each, as each is a new transition.
 */
public final class CallbackEvents {

  private CallbackEvents() {}

  public static CallbackEvent online(
      String app, String user, long atMillis, String connectionId, String node) {
    return new CallbackEvent(
        UUID.randomUUID().toString(),
        CallbackEventType.ONLINE,
        atMillis,
        app,
        user,
        Map.of("connection", connectionId, "node", node));
  }

  public static CallbackEvent offline(String app, String user, long atMillis) {
    return new CallbackEvent(
        UUID.randomUUID().toString(), CallbackEventType.OFFLINE, atMillis, app, user, Map.of());
  }

  public static CallbackEvent connected(
      String app, String user, long atMillis, String connectionId, String node, String transport) {
    return new CallbackEvent(
        "connected:" + connectionId + ":" + app,
        CallbackEventType.CONNECTED,
        atMillis,
        app,
        user,
        Map.of("connection", connectionId, "node", node, "transport", transport));
  }

  /**
   * @param closeCode the WebSocket close code (1006: the connection was lost without one), or 0
   *     when only this app was unbound and the connection stays open
   * @param reason short machine-readable reason, e.g. {@code client_closed}, {@code kicked}
   */
  public static CallbackEvent disconnected(
      String app,
      String user,
      long atMillis,
      String connectionId,
      String node,
      String transport,
      int closeCode,
      String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("connection", connectionId);
    details.put("node", node);
    details.put("transport", transport);
    if (closeCode > 0) details.put("closeCode", closeCode);
    details.put("reason", reason == null ? "" : reason);
    return new CallbackEvent(
        "disconnected:" + connectionId + ":" + app,
        CallbackEventType.DISCONNECTED,
        atMillis,
        app,
        user,
        details);
  }

  /**
   * A QoS 1 message's fate.
   *
   * @param reason for {@code message.dropped}: {@code overflow} or {@code replaced}; else null
   */
  public static CallbackEvent messageFate(
      CallbackEventType type,
      String app,
      String user,
      String messageId,
      long seq,
      long atMillis,
      String reason) {
    if (!type.isMessageFate()) throw new IllegalArgumentException(type + " is not a message fate");
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("messageId", messageId);
    details.put("seq", seq);
    if (reason != null) details.put("reason", reason);
    return new CallbackEvent(
        type.wireName() + ":" + app + ":" + user + ":" + messageId,
        type,
        atMillis,
        app,
        user,
        details);
  }

  /**
   * A message's notification went to the user's devices.
   *
   * @param devices per device: {@code device}, {@code platform}, {@code result} and, unless sent,
   *     {@code reason}
   */
  public static CallbackEvent messageNotified(
      String app,
      String user,
      String messageId,
      long seq,
      long atMillis,
      List<Map<String, Object>> devices) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("messageId", messageId);
    details.put("seq", seq);
    details.put("devices", List.copyOf(devices));
    return new CallbackEvent(
        CallbackEventType.MESSAGE_NOTIFIED.wireName() + ":" + app + ":" + user + ":" + messageId,
        CallbackEventType.MESSAGE_NOTIFIED,
        atMillis,
        app,
        user,
        details);
  }
}
