package io.pushgate.session;

import io.pushgate.model.CborSerializable;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything a session entity accepts. Sent through sharding ({@code EntityRef}) or to the
 * session's own ref once attached.
 */
public sealed interface SessionCommand extends CborSerializable {

  /**
   * Queue (QoS 1) or hand over (QoS 0) one message. For QoS 1 the reply is sent only after the
   * message is persisted; an {@link EnqueueResult.Outcome#QUEUED} reply therefore means durable.
   * With {@code idempotent} (retried deliveries of the paced send queue), a QoS 1 message whose id
   * the session still holds, pending or ended, is answered {@code QUEUED} without storing it again.
   */
  record Enqueue(
      PushMessage message,
      OverflowPolicy overflow,
      boolean idempotent,
      ActorRef<EnqueueResult> replyTo)
      implements SessionCommand {

    /** Enqueue with the default overflow policy ({@link OverflowPolicy#REJECT}). */
    public Enqueue(PushMessage message, ActorRef<EnqueueResult> replyTo) {
      this(message, OverflowPolicy.REJECT, false, replyTo);
    }

    /** Enqueue, storing the message again even if its id is known (each API send has a new id). */
    public Enqueue(PushMessage message, OverflowPolicy overflow, ActorRef<EnqueueResult> replyTo) {
      this(message, overflow, false, replyTo);
    }
  }

  /**
   * Attach a connection. Replaces any attached connection (which gets {@link
   * ConnectionMessage.Disconnect} with {@link DisconnectReason#REPLACED}). The session answers
   * {@link ConnectionMessage.Attached} to {@code connection}, then pushes every pending QoS 1
   * message in {@code seq} order, at most {@code window} unacked at a time.
   *
   * @param window maximum unacked QoS 1 pushes in flight on this connection (at least 1)
   * @param deliversBroadcasts the connection delivers the app's QoS 1 broadcasts itself, from its
   *     node's replica and from the cursor and creation time in {@link ConnectionMessage.Attached},
   *     and reports its client's broadcast acks in {@link Ack}s (coalesced); the session then
   *     neither pushes broadcasts nor bounds those acks by what it delivered. False: the session
   *     delivers them (and an older connection, which does not send the field, gets that)
   * @param routeId null: {@code connection} is the connection's own actor, told plain {@link
   *     ConnectionMessage}s. Else {@code connection} is its node's router, shared by every
   *     connection of that node, and everything for this attachment is told to it wrapped in {@link
   *     ConnectionMessage.Routed} with this id ({@link #reply}); an older session, which does not
   *     know the field, is never sent it (the gateway's {@code route-through-node})
   */
  record Attach(
      ConnectionInfo info,
      int window,
      ActorRef<ConnectionMessage> connection,
      boolean deliversBroadcasts,
      String routeId)
      implements SessionCommand {

    /** Addressed to the connection's own actor. */
    public Attach(
        ConnectionInfo info,
        int window,
        ActorRef<ConnectionMessage> connection,
        boolean deliversBroadcasts) {
      this(info, window, connection, deliversBroadcasts, null);
    }

    /** The session delivers broadcasts itself. */
    public Attach(ConnectionInfo info, int window, ActorRef<ConnectionMessage> connection) {
      this(info, window, connection, false);
    }

    /**
     * Tells the attaching connection {@code message} the way a session of another node does:
     * through its node's router when routed.
     *
     * @param sessionEntityId the session's entity id, with which a router that no longer knows the
     *     connection detaches it from the session (may be null in tests)
     */
    public void reply(ConnectionMessage message, String sessionEntityId) {
      connection.tell(ConnectionMessage.Routed.of(routeId, sessionEntityId, message));
    }

    /** {@link #reply(ConnectionMessage, String)} without a session entity id (tests). */
    public void reply(ConnectionMessage message) {
      reply(message, null);
    }
  }

  /** The connection went away. Ignored unless {@code connectionId} is the attached one. */
  record Detach(String connectionId) implements SessionCommand {}

  /**
   * Cumulative ack from the client: every pending message with {@code seq <= upToSeq} and every
   * broadcast with {@code bseq <= upToBseq} is done (0: nothing new of that kind). Acks above what
   * was delivered on this connection are clamped to it; stale acks are ignored. A connection that
   * delivers broadcasts itself ({@link Attach#deliversBroadcasts}) clamps its broadcast acks before
   * it sends them, and sends them coalesced.
   */
  record Ack(String connectionId, long upToSeq, long upToBseq) implements SessionCommand {

    /** An ack of direct messages only. */
    public Ack(String connectionId, long upToSeq) {
      this(connectionId, upToSeq, 0);
    }
  }

  /** Ask for the fate of one message (see {@link MessageStatus}). */
  record GetMessageStatus(String messageId, ActorRef<MessageStatus> replyTo)
      implements SessionCommand {}

  /** Ask for the session's status. */
  record GetStatus(ActorRef<SessionStatus> replyTo) implements SessionCommand {}

  /**
   * Subscribe ({@code subscribe}) or unsubscribe the session to/from a topic, server-side:
   * persisted, so it survives reconnects; the attached connection is told ({@link
   * ConnectionMessage.TopicsChanged}).
   */
  record ChangeTopic(String topic, boolean subscribe, ActorRef<TopicResult> replyTo)
      implements SessionCommand {}

  /** Reply to {@link ChangeTopic}. */
  record TopicResult(Outcome outcome, List<String> topics) implements CborSerializable {
    public TopicResult {
      topics = List.copyOf(topics);
    }

    public enum Outcome {
      /** Now subscribed (or already was). */
      SUBSCRIBED,
      /** Now not subscribed (or never was). */
      UNSUBSCRIBED,
      /** The session already has {@code max-topics} subscriptions; nothing changed. */
      TOO_MANY_TOPICS
    }
  }

  /** Close the attached connection(s) with {@link DisconnectReason#KICKED}; replies how many. */
  record Kick(ActorRef<KickResult> replyTo) implements SessionCommand {}

  /**
   * Register (or replace, by id) one of the user's devices for mobile push. Persisted. Refused with
   * {@link DeviceReply.Outcome#TOO_MANY_DEVICES} past {@code max-devices} new ids.
   */
  record PutDevice(Device device, ActorRef<DeviceReply> replyTo) implements SessionCommand {}

  /** Remove one of the user's devices (answered {@code NOT_FOUND} if it is not registered). */
  record RemoveDevice(String deviceId, ActorRef<DeviceReply> replyTo) implements SessionCommand {}

  /** List the user's devices. */
  record GetDevices(ActorRef<DeviceReply> replyTo) implements SessionCommand {}

  /** Reply to the device commands: what happened and the user's devices after it. */
  record DeviceReply(Outcome outcome, List<Device> devices) implements CborSerializable {
    public DeviceReply {
      devices = List.copyOf(devices);
    }

    public enum Outcome {
      CREATED,
      UPDATED,
      REMOVED,
      NOT_FOUND,
      LISTED,
      /** The user already has {@code max-devices} devices; nothing changed. */
      TOO_MANY_DEVICES
    }
  }

  // ---- internal: sent by the entity to itself or by sharding, never by other components ----

  /**
   * Decide whether pending message {@code seq} is notified now: sent by the entity to itself when
   * the message was accepted ({@code atAccept}: notify at once if no connection is attached) and by
   * its notify-after timer or after recovery (notify if still pending and unacked).
   */
  record NotifyCheck(long seq, boolean atAccept) implements SessionCommand {}

  /**
   * The providers answered for a message's notification ({@code sent}: the devices as notified).
   */
  record NotificationsDone(
      long seq, String messageId, List<Device> sent, List<DeviceOutcome> outcomes)
      implements SessionCommand {
    public NotificationsDone {
      sent = List.copyOf(sent);
      outcomes = List.copyOf(outcomes);
    }
  }

  /** Stop message used by sharding for passivation and rebalance hand-off. */
  enum Passivate implements SessionCommand {
    INSTANCE
  }

  /** This node's broadcast replica has news for the session's app (sent by the broadcast hub). */
  enum BroadcastsAvailable implements SessionCommand {
    INSTANCE
  }

  /** The idle-passivation timer fired. */
  enum IdleCheck implements SessionCommand {
    INSTANCE
  }

  /**
   * The park timer fired: passivate with the connection open if the session stayed quiet
   * (connected-idle-passivation).
   */
  enum ParkCheck implements SessionCommand {
    INSTANCE
  }

  /** The expiry timer fired: remove pending messages whose TTL has passed. */
  enum ExpiryCheck implements SessionCommand {
    INSTANCE
  }

  /** The offline timer fired: raise {@code offline} if no connection came back (callbacks). */
  enum OfflineCheck implements SessionCommand {
    INSTANCE
  }

  /** The ack-flush timer fired: write the unwritten ack, if any (lazy acks). */
  enum AckFlush implements SessionCommand {
    INSTANCE
  }

  /** Death watch: an attached connection actor stopped (or its node is gone). */
  record ConnectionTerminated(ActorRef<ConnectionMessage> connection) implements SessionCommand {}

  /** Reply to {@link Kick}. */
  record KickResult(int connectionsClosed) implements CborSerializable {}

  /**
   * Reply to {@link Enqueue}.
   *
   * @param seq the assigned sequence number when {@code outcome == QUEUED}, else 0
   * @param replacedId the id of the pending message this one replaced through its collapse key, or
   *     null
   * @param droppedIds ids of pending messages dropped to make room ({@link
   *     OverflowPolicy#DROP_OLDEST}), empty if none
   */
  record EnqueueResult(
      String messageId, Outcome outcome, long seq, String replacedId, List<String> droppedIds)
      implements CborSerializable {

    public EnqueueResult {
      droppedIds = droppedIds == null ? List.of() : List.copyOf(droppedIds);
    }

    /** A result that replaced and dropped nothing. */
    public EnqueueResult(String messageId, Outcome outcome, long seq) {
      this(messageId, outcome, seq, null, List.of());
    }

    public enum Outcome {
      /** QoS 1: persisted; will be delivered until acked. */
      QUEUED,
      /** QoS 0: handed to the attached connection. */
      DELIVERED,
      /** QoS 0: no connection attached, dropped. */
      OFFLINE,
      /** QoS 1: the session holds its maximum of pending messages; not stored. */
      QUEUE_FULL
    }
  }
}
