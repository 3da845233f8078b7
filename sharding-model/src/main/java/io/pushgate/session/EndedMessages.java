package io.pushgate.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pushgate.model.CborSerializable;
import io.pushgate.session.MessageStatus.Fate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The fates of messages that left a session's queue, for the message status API. Bounded: at
 * most {@code maxRecords} entries (oldest ended first out) and none older than the retention,
 * both given when a record is added. Part of the session state (and so of snapshots).
 */
final class EndedMessages implements CborSerializable {

  /** One ended message. */
  record Ended(String id, Fate fate, long seq, int deliveries, long atMillis) implements CborSerializable {}

  private final LinkedHashMap<String, Ended> byId = new LinkedHashMap<>();

  EndedMessages() {}

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  EndedMessages(List<Ended> records) {
    if (records != null) records.forEach(r -> byId.put(r.id(), r));
  }

  @JsonValue
  List<Ended> records() {
    return new ArrayList<>(byId.values());
  }

  Optional<Ended> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  int size() {
    return byId.size();
  }

  /** Records one end, then removes records beyond {@code maxRecords} or older than the retention. */
  void add(Ended ended, int maxRecords, long retentionMillis) {
    byId.remove(ended.id());
    byId.put(ended.id(), ended);
    long oldestKept = ended.atMillis() - retentionMillis;
    Iterator<Ended> it = byId.values().iterator();
    while (it.hasNext()) {
      Ended e = it.next();
      if (byId.size() > maxRecords || e.atMillis() < oldestKept) it.remove();
      else break;
    }
  }
}
