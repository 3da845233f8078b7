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
import java.util.function.ToLongFunction;

/**
 * The fates of messages that left a session's queue, for the message status API. Bounded: at most
 * {@code maxRecords} entries (oldest ended first out) and none older than the retention, both given
 * when a record is added. Part of the session state (and so of snapshots).
 */
final class EndedMessages implements CborSerializable {

  /** One ended message. */
  record Ended(String id, Fate fate, long seq, int deliveries, long atMillis)
      implements CborSerializable {}

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

  /**
   * Records one end, then removes records beyond {@code maxRecords} or older than the retention.
   */
  void add(Ended ended, int maxRecords, long retentionMillis) {
    byId.remove(ended.id());
    byId.put(ended.id(), ended);
    prune(byId, maxRecords, ended.atMillis() - retentionMillis, Ended::atMillis);
  }

  /**
   * Removes the oldest entries of an insertion-ordered map while it holds more than {@code max} or
   * they are older than {@code oldestKept} (the bound of every record map of the session state).
   */
  static <R> void prune(
      LinkedHashMap<String, R> byId, int max, long oldestKept, ToLongFunction<R> atMillis) {
    Iterator<R> it = byId.values().iterator();
    while (it.hasNext()) {
      R r = it.next();
      if (byId.size() > max || atMillis.applyAsLong(r) < oldestKept) it.remove();
      else break;
    }
  }
}
