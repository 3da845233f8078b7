package io.pushgate.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pushgate.model.CborSerializable;
import io.pushgate.notify.DeviceOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Which devices were notified of which messages and what their providers answered, for the message
 * status API. Bounded like {@link EndedMessages}: at most {@code maxRecords} messages (oldest first
 * out) and none older than the retention. Part of the session state. The at-most-once guard is not
 * this record (which may be pruned) but {@link PendingMessage#notified()}.
 */
final class NotificationRecords implements CborSerializable {

  /** One message's notification. */
  record Notice(String messageId, long atMillis, List<DeviceOutcome> devices)
      implements CborSerializable {
    Notice {
      devices = List.copyOf(devices);
    }
  }

  private final LinkedHashMap<String, Notice> byId = new LinkedHashMap<>();

  NotificationRecords() {}

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  NotificationRecords(List<Notice> records) {
    if (records != null) records.forEach(r -> byId.put(r.messageId(), r));
  }

  @JsonValue
  List<Notice> records() {
    return new ArrayList<>(byId.values());
  }

  Optional<Notice> find(String messageId) {
    return Optional.ofNullable(byId.get(messageId));
  }

  /** Records a notification handed to providers, then prunes beyond the bounds. */
  void sent(Notice notice, int maxRecords, long retentionMillis) {
    byId.remove(notice.messageId());
    byId.put(notice.messageId(), notice);
    EndedMessages.prune(
        byId, Math.max(1, maxRecords), notice.atMillis() - retentionMillis, Notice::atMillis);
  }

  /** Replaces the outcomes of the devices the providers answered for (if still recorded). */
  void reported(String messageId, List<DeviceOutcome> outcomes) {
    Notice notice = byId.get(messageId);
    if (notice == null) return;
    List<DeviceOutcome> merged = new ArrayList<>(notice.devices().size());
    for (DeviceOutcome before : notice.devices()) {
      DeviceOutcome after = before;
      for (DeviceOutcome o : outcomes) {
        if (o.deviceId().equals(before.deviceId())) after = o;
      }
      merged.add(after);
    }
    byId.put(messageId, new Notice(messageId, notice.atMillis(), merged));
  }
}
