package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.notify.DeviceOutcome;
import java.util.List;

/**
 * The fate of one message in one session. Known while the message is pending and for {@link
 * SessionSettings#statusRetention()} after it ended (bounded by {@link
 * SessionSettings#maxStatusRecords()}); {@link Fate#UNKNOWN} otherwise.
 *
 * @param seq its sequence number (0 if unknown)
 * @param deliveries how many times it was pushed on connections that then went away without acking
 *     it (pending) or in all (ended)
 * @param sinceMillis when it was accepted (pending) or reached its end (other fates)
 * @param notifications the devices its notification went to and their providers' answers, while
 *     recorded (bounded like ended messages); empty if it was not notified
 */
public record MessageStatus(
    String messageId,
    Fate fate,
    long seq,
    int deliveries,
    long sinceMillis,
    List<DeviceOutcome> notifications)
    implements CborSerializable {

  public MessageStatus {
    notifications = notifications == null ? List.of() : List.copyOf(notifications);
  }

  /** A status without notifications. */
  public MessageStatus(String messageId, Fate fate, long seq, int deliveries, long sinceMillis) {
    this(messageId, fate, seq, deliveries, sinceMillis, List.of());
  }

  public enum Fate {
    /** Stored, waiting for (or in) delivery. */
    PENDING,
    /** The client acked it. */
    ACKED,
    /** Its TTL passed before it was acked; never delivered after that. */
    EXPIRED,
    /** A newer message with the same collapse key replaced it. */
    REPLACED,
    /** Dropped to make room for newer messages (overflow policy drop-oldest). */
    DROPPED,
    /** Delivered {@code max-deliveries} times without an ack; given up on. */
    UNDELIVERABLE,
    /** Never seen by this session, or ended longer ago than the retention. */
    UNKNOWN
  }

  public static MessageStatus unknown(String messageId) {
    return new MessageStatus(messageId, Fate.UNKNOWN, 0, 0, 0);
  }
}
