package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import java.util.List;

/**
 * What a session writes to its journal. Every event is applied by {@link SessionState}; every
 * decision (which seqs expire, are dropped, are given up on) is taken by the command handler and
 * written into the event, so replay never depends on the clock or on configuration.
 */
public sealed interface SessionEvent extends CborSerializable {

  /**
   * A QoS 1 message was accepted and given sequence number {@code pending.seq()}; with a cumulative
   * ack folded in front of it (lazy acks, {@link UnpersistedAck}), so a steady flow of sends and
   * acks writes one journal row per message.
   *
   * @param replacedSeq the pending message it replaced through its collapse key (0: none)
   * @param droppedSeqs pending messages dropped to make room (overflow drop-oldest)
   * @param ackedUpTo applied first, as {@link MessagesAcked}{@code (ackedUpTo, ackedAtMillis)} (0:
   *     no ack; events written before lazy acks have none)
   * @param ackedAtMillis when that ack arrived
   */
  record MessageQueued(
      PendingMessage pending,
      long replacedSeq,
      List<Long> droppedSeqs,
      long ackedUpTo,
      long ackedAtMillis)
      implements SessionEvent {
    public MessageQueued {
      droppedSeqs = droppedSeqs == null ? List.of() : List.copyOf(droppedSeqs);
    }

    public MessageQueued(PendingMessage pending, long replacedSeq, List<Long> droppedSeqs) {
      this(pending, replacedSeq, droppedSeqs, 0, 0);
    }

    public MessageQueued(PendingMessage pending) {
      this(pending, 0, List.of());
    }

    /** This event with the cumulative ack {@code upTo} (received at {@code atMillis}) folded in. */
    public MessageQueued withAck(long upTo, long atMillis) {
      return new MessageQueued(pending, replacedSeq, droppedSeqs, upTo, atMillis);
    }
  }

  /** Cumulative ack: every message with {@code seq <= upToSeq} is done. */
  record MessagesAcked(long upToSeq, long atMillis) implements SessionEvent {}

  /** These pending messages passed their expiry without being acked; they are never delivered. */
  record MessagesExpired(List<Long> seqs, long atMillis) implements SessionEvent {
    public MessagesExpired {
      seqs = List.copyOf(seqs);
    }
  }

  /**
   * A connection went away without acking: every pending message with {@code seq <= upToSeq} was
   * pushed on it once more. {@code undeliverableSeqs} reached the delivery limit with this round
   * and are given up on.
   */
  record DeliveryRoundEnded(long upToSeq, List<Long> undeliverableSeqs, long atMillis)
      implements SessionEvent {
    public DeliveryRoundEnded {
      undeliverableSeqs = List.copyOf(undeliverableSeqs);
    }
  }

  /**
   * The session came into being without a message (its first attach). A session's creation time is
   * the time of its first event, whichever it is; broadcasts sent before it do not reach it.
   */
  record SessionStarted(long atMillis) implements SessionEvent {}

  /** The backend subscribed the user to a topic (server-side: survives reconnects). */
  record TopicSubscribed(String topic, long atMillis) implements SessionEvent {}

  /** The backend unsubscribed the user from a topic. */
  record TopicUnsubscribed(String topic, long atMillis) implements SessionEvent {}

  /**
   * The session passivated while its connection stayed open, with nothing in flight and nothing
   * pending ({@code connected-idle-passivation}): the next message, ack or status request wakes it,
   * and it takes up {@code connection} again as if it had never stopped.
   */
  record ConnectionParked(ParkedConnection connection, long atMillis) implements SessionEvent {}

  /**
   * The parked connection is gone (closed, kicked, replaced): a woken session no longer takes it
   * up.
   */
  record ParkEnded(long atMillis) implements SessionEvent {}

  /** Cumulative broadcast ack: every broadcast of the app with {@code bseq <= upToBseq} is done. */
  record BroadcastsAcked(long upToBseq, long atMillis) implements SessionEvent {}

  /**
   * The app registered (or re-registered, replacing the one with the same id) a device of the user.
   */
  record DeviceRegistered(Device device) implements SessionEvent {}

  /**
   * A device was removed: by the app ({@code reason = "api"}) or because its provider said its
   * token is no longer valid ({@code "unregistered"}).
   */
  record DeviceRemoved(String deviceId, String reason, long atMillis) implements SessionEvent {}

  /**
   * The notification of pending message {@code seq} was handed to these devices' providers (written
   * before it is, so a message is notified at most once per device, crash or not).
   *
   * @param devices one {@link DeviceOutcome.Result#PENDING} outcome per device
   */
  record NotificationSent(long seq, String messageId, List<DeviceOutcome> devices, long atMillis)
      implements SessionEvent {
    public NotificationSent {
      devices = List.copyOf(devices);
    }
  }

  /**
   * The providers answered for a message's notification; {@code removedDeviceIds} were removed
   * because their provider said their token (the one notified, still registered) is invalid.
   */
  record NotificationReported(
      String messageId, List<DeviceOutcome> outcomes, List<String> removedDeviceIds, long atMillis)
      implements SessionEvent {
    public NotificationReported {
      outcomes = List.copyOf(outcomes);
      removedDeviceIds = List.copyOf(removedDeviceIds);
    }
  }
}
