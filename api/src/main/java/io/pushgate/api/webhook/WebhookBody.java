package io.pushgate.api.webhook;

import io.pushgate.api.ApiJson;
import io.pushgate.callback.CallbackEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of one callback request (docs/api.md, "Status callbacks"): {@code
 * {"events":[{"id":..,"type":..,"time":"2026-..Z","app":..,"user":..,"details":{..}}]}}, events in
 * the order they were raised on this node.
 */
final class WebhookBody {

  private WebhookBody() {}

  static byte[] encode(List<CallbackEvent> events) {
    List<Map<String, Object>> out = events.stream().map(WebhookBody::event).toList();
    return ApiJson.bytes(Map.of("events", out));
  }

  private static Map<String, Object> event(CallbackEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("type", e.type().wireName());
    m.put("time", Instant.ofEpochMilli(e.atMillis()).toString());
    m.put("app", e.app());
    m.put("user", e.user());
    m.put("details", e.details());
    return m;
  }
}
