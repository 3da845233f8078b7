package io.pushgate.session;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pushgate.model.CborSerializable;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.session.MessageStatus.Fate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The durable state of one session: its pending QoS 1 messages in {@code seq} order and its
 * sequence counters. Mutable, and changed only by {@link #apply(SessionEvent, int, long)} from the
 * entity's event handler (Pekko persistence allows mutable state confined to the entity).
 * Serialized (snapshots) through the explicitly annotated properties only.
 *
 * <p>Invariants: {@code ackedSeq <= lastSeq}; every pending seq is in {@code (ackedSeq, lastSeq]};
 * seq values are never reused, so a client may de-duplicate by seq.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public final class SessionState implements CborSerializable {

  private long lastSeq;
  private long ackedSeq;
  private long pendingBytes;
  private long undeliverableTotal;
  private long createdAtMillis;
  private long broadcastCursor;
  private final TreeSet<String> topics = new TreeSet<>();
  private final TreeMap<Long, PendingMessage> pending = new TreeMap<>();
  private final EndedMessages ended;

  /** The user's devices for mobile push, by id; null until the first (most users have none). */
  private LinkedHashMap<String, Device> devices;

  /** Notifications sent and their outcomes; null until the first. */
  private NotificationRecords notices;

  /** The connection the session passivated with (connected-idle passivation), or null. */
  private ParkedConnection parked;

  public SessionState() {
    this.ended = new EndedMessages();
  }

  @JsonCreator
  SessionState(
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("ackedSeq") long ackedSeq,
      @JsonProperty("pending") List<PendingMessage> pending,
      @JsonProperty("ended") EndedMessages ended,
      @JsonProperty("undeliverableTotal") long undeliverableTotal,
      @JsonProperty("createdAtMillis") Long createdAtMillis,
      @JsonProperty("broadcastCursor") long broadcastCursor,
      @JsonProperty("topics") List<String> topics,
      @JsonProperty("devices") List<Device> devices,
      @JsonProperty("notices") NotificationRecords notices,
      @JsonProperty("parked") ParkedConnection parked) {
    this.lastSeq = lastSeq;
    this.ackedSeq = ackedSeq;
    if (pending != null) pending.forEach(this::put);
    this.ended = ended == null ? new EndedMessages() : ended;
    this.undeliverableTotal = undeliverableTotal;
    // snapshots from before broadcasts existed: the session is older than any broadcast
    this.createdAtMillis = createdAtMillis == null ? 1 : createdAtMillis;
    this.broadcastCursor = broadcastCursor;
    if (topics != null) this.topics.addAll(topics);
    if (devices != null && !devices.isEmpty()) devices.forEach(this::putDevice);
    this.notices = notices;
    this.parked = parked;
  }

  /**
   * The connection this session passivated with while it stayed open, or null: a woken session
   * takes it up again ({@link SessionEvent.ConnectionParked}) until it is gone ({@link
   * SessionEvent.ParkEnded}).
   */
  @JsonProperty("parked")
  public ParkedConnection parked() {
    return parked;
  }

  /** The user's registered devices, oldest registration first. */
  @JsonProperty("devices")
  public List<Device> devices() {
    return devices == null ? List.of() : new ArrayList<>(devices.values());
  }

  @JsonIgnore
  public int deviceCount() {
    return devices == null ? 0 : devices.size();
  }

  public Optional<Device> device(String id) {
    return devices == null ? Optional.empty() : Optional.ofNullable(devices.get(id));
  }

  @JsonProperty("notices")
  NotificationRecords notices() {
    return notices;
  }

  /** The devices notified of this message and their providers' answers; empty if none recorded. */
  public List<DeviceOutcome> notificationOf(String messageId) {
    if (notices == null) return List.of();
    return notices.find(messageId).map(NotificationRecords.Notice::devices).orElse(List.of());
  }

  /** The server-side topic subscriptions, sorted. */
  @JsonProperty("topics")
  public List<String> topics() {
    return new ArrayList<>(topics);
  }

  public boolean isSubscribed(String topic) {
    return topics.contains(topic);
  }

  /**
   * When the session came into being (the time of its first event), or 0 while it has none.
   * Broadcasts sent before it do not reach it.
   */
  @JsonProperty("createdAtMillis")
  public long createdAtMillis() {
    return createdAtMillis;
  }

  /** Every broadcast of the app with {@code bseq <= broadcastCursor} is done for this session. */
  @JsonProperty("broadcastCursor")
  public long broadcastCursor() {
    return broadcastCursor;
  }

  @JsonProperty("ended")
  EndedMessages ended() {
    return ended;
  }

  /** Messages given up on after too many deliveries, over the session's lifetime. */
  @JsonProperty("undeliverableTotal")
  public long undeliverableTotal() {
    return undeliverableTotal;
  }

  @JsonProperty("lastSeq")
  public long lastSeq() {
    return lastSeq;
  }

  @JsonProperty("ackedSeq")
  public long ackedSeq() {
    return ackedSeq;
  }

  /** The pending messages in seq order (a copy, for serialization and inspection). */
  @JsonProperty("pending")
  public List<PendingMessage> pendingList() {
    return new ArrayList<>(pending.values());
  }

  @JsonIgnore
  public int pendingCount() {
    return pending.size();
  }

  /** Approximate bytes held by pending messages. */
  @JsonIgnore
  public long pendingBytes() {
    return pendingBytes;
  }

  /** Pending messages with seq greater than {@code seq}, in order (a live view: do not mutate). */
  public Collection<PendingMessage> pendingAfter(long seq) {
    NavigableMap<Long, PendingMessage> tail = pending.tailMap(seq, false);
    return tail.values();
  }

  /** The sequence number the next queued message gets. */
  public long nextSeq() {
    return lastSeq + 1;
  }

  /** Seqs of pending messages expired at {@code nowMillis}, in order. */
  public List<Long> expiredAt(long nowMillis) {
    List<Long> expired = new ArrayList<>();
    for (PendingMessage p : pending.values()) {
      if (p.message().isExpired(nowMillis)) expired.add(p.seq());
    }
    return expired;
  }

  /** The pending message with this id, if any (linear in the number pending). */
  public Optional<PendingMessage> pendingById(String id) {
    for (PendingMessage p : pending.values()) {
      if (p.message().id().equals(id)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The pending message with this collapse key, if any. */
  public Optional<PendingMessage> pendingByCollapseKey(String collapseKey) {
    if (collapseKey == null) return Optional.empty();
    for (PendingMessage p : pending.values()) {
      if (collapseKey.equals(p.message().collapseKey())) return Optional.of(p);
    }
    return Optional.empty();
  }

  public Optional<PendingMessage> pendingBySeq(long seq) {
    return Optional.ofNullable(pending.get(seq));
  }

  /** Oldest pending messages first (a live view: do not mutate). */
  public Collection<PendingMessage> pendingInOrder() {
    return pending.values();
  }

  /** The earliest expiry among pending messages, or {@code Long.MAX_VALUE} if none. */
  public long earliestExpiry() {
    long earliest = Long.MAX_VALUE;
    for (PendingMessage p : pending.values())
      earliest = Math.min(earliest, p.message().expiresAtMillis());
    return earliest;
  }

  /** The recorded fate of a message that left the queue, if still retained. */
  Optional<EndedMessages.Ended> endedById(String id) {
    return ended.find(id);
  }

  /**
   * Applies one event. Called only from the entity's event handler.
   *
   * @param maxStatusRecords bound of ended-message records kept for status queries
   * @param statusRetentionMillis how long such records are kept
   */
  public SessionState apply(SessionEvent event, int maxStatusRecords, long statusRetentionMillis) {
    if (createdAtMillis == 0) createdAtMillis = Math.max(1, timeOf(event));
    if (event instanceof SessionEvent.SessionStarted) {
      // nothing more: the creation time is all it records
    } else if (event instanceof SessionEvent.TopicSubscribed sub) {
      topics.add(sub.topic());
    } else if (event instanceof SessionEvent.TopicUnsubscribed unsub) {
      topics.remove(unsub.topic());
    } else if (event instanceof SessionEvent.DeviceRegistered reg) {
      putDevice(reg.device());
    } else if (event instanceof SessionEvent.DeviceRemoved removed) {
      if (devices != null) devices.remove(removed.deviceId());
    } else if (event instanceof SessionEvent.NotificationSent sent) {
      PendingMessage p = pending.get(sent.seq());
      if (p != null) pending.put(p.seq(), p.markNotified());
      if (notices == null) notices = new NotificationRecords();
      notices.sent(
          new NotificationRecords.Notice(sent.messageId(), sent.atMillis(), sent.devices()),
          maxStatusRecords,
          statusRetentionMillis);
    } else if (event instanceof SessionEvent.NotificationReported reported) {
      if (notices != null) notices.reported(reported.messageId(), reported.outcomes());
      if (devices != null) reported.removedDeviceIds().forEach(devices::remove);
    } else if (event instanceof SessionEvent.ConnectionParked p) {
      parked = p.connection();
    } else if (event instanceof SessionEvent.ParkEnded) {
      parked = null;
    } else if (event instanceof SessionEvent.BroadcastsAcked acked) {
      broadcastCursor = Math.max(broadcastCursor, acked.upToBseq());
    } else if (event instanceof SessionEvent.MessageQueued queued) {
      if (queued.ackedUpTo() > 0) {
        apply(
            new SessionEvent.MessagesAcked(queued.ackedUpTo(), queued.ackedAtMillis()),
            maxStatusRecords,
            statusRetentionMillis);
      }
      long at = queued.pending().message().acceptedAtMillis();
      end(queued.replacedSeq(), Fate.REPLACED, at, maxStatusRecords, statusRetentionMillis);
      for (long seq : queued.droppedSeqs())
        end(seq, Fate.DROPPED, at, maxStatusRecords, statusRetentionMillis);
      put(queued.pending());
      lastSeq = Math.max(lastSeq, queued.pending().seq());
    } else if (event instanceof SessionEvent.MessagesAcked acked) {
      long upTo = Math.min(acked.upToSeq(), lastSeq);
      if (upTo > ackedSeq) {
        List<Long> done = new ArrayList<>(pending.headMap(upTo, true).keySet());
        for (long seq : done)
          end(seq, Fate.ACKED, acked.atMillis(), maxStatusRecords, statusRetentionMillis);
        ackedSeq = upTo;
      }
    } else if (event instanceof SessionEvent.MessagesExpired expired) {
      for (long seq : expired.seqs())
        end(seq, Fate.EXPIRED, expired.atMillis(), maxStatusRecords, statusRetentionMillis);
    } else if (event instanceof SessionEvent.DeliveryRoundEnded round) {
      for (PendingMessage p : new ArrayList<>(pending.headMap(round.upToSeq(), true).values())) {
        pending.put(p.seq(), p.delivered());
      }
      for (long seq : round.undeliverableSeqs()) {
        if (end(
            seq, Fate.UNDELIVERABLE, round.atMillis(), maxStatusRecords, statusRetentionMillis)) {
          undeliverableTotal++;
        }
      }
    }
    return this;
  }

  private static long timeOf(SessionEvent event) {
    if (event instanceof SessionEvent.MessageQueued e)
      return e.pending().message().acceptedAtMillis();
    if (event instanceof SessionEvent.MessagesAcked e) return e.atMillis();
    if (event instanceof SessionEvent.MessagesExpired e) return e.atMillis();
    if (event instanceof SessionEvent.DeliveryRoundEnded e) return e.atMillis();
    if (event instanceof SessionEvent.SessionStarted e) return e.atMillis();
    if (event instanceof SessionEvent.BroadcastsAcked e) return e.atMillis();
    if (event instanceof SessionEvent.TopicSubscribed e) return e.atMillis();
    if (event instanceof SessionEvent.TopicUnsubscribed e) return e.atMillis();
    if (event instanceof SessionEvent.DeviceRegistered e) return e.device().registeredAtMillis();
    if (event instanceof SessionEvent.DeviceRemoved e) return e.atMillis();
    if (event instanceof SessionEvent.NotificationSent e) return e.atMillis();
    if (event instanceof SessionEvent.NotificationReported e) return e.atMillis();
    if (event instanceof SessionEvent.ConnectionParked e) return e.atMillis();
    if (event instanceof SessionEvent.ParkEnded e) return e.atMillis();
    throw new IllegalArgumentException("unknown event " + event);
  }

  /** Removes a pending message and records its fate; false if it was not pending. */
  private boolean end(long seq, Fate fate, long atMillis, int maxRecords, long retentionMillis) {
    PendingMessage removed = pending.remove(seq);
    if (removed == null) return false;
    pendingBytes -= removed.message().weight();
    if (maxRecords > 0) {
      ended.add(
          new EndedMessages.Ended(
              removed.message().id(), fate, seq, removed.deliveries(), atMillis),
          maxRecords,
          retentionMillis);
    }
    return true;
  }

  private void putDevice(Device device) {
    if (devices == null) devices = new LinkedHashMap<>(4);
    devices.remove(device.id()); // a re-registration moves to the end: the newest last
    devices.put(device.id(), device);
  }

  private void put(PendingMessage p) {
    PendingMessage old = pending.put(p.seq(), p);
    if (old != null) pendingBytes -= old.message().weight();
    pendingBytes += p.message().weight();
  }
}
