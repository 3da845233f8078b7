package io.pushgate.callback;

import java.util.Map;
import java.util.Objects;

/**
 * One status callback event, as the app's backend receives it (docs/api.md, "Status callbacks").
 *
 * @param id unique per event; the same for every redelivery of it and, for message fates and
 *     connections, derived from what it reports, so receivers de-duplicate by id
 * @param type what happened
 * @param atMillis when it happened (epoch millis)
 * @param app the app
 * @param user the user
 * @param details type-specific fields (strings and numbers only), e.g. {@code messageId}, {@code
 *     seq}, {@code connection}, {@code node}, {@code closeCode}
 */
public record CallbackEvent(
    String id,
    CallbackEventType type,
    long atMillis,
    String app,
    String user,
    Map<String, Object> details) {

  public CallbackEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(user, "user");
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}
