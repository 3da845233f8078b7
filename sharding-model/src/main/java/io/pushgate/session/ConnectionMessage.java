package io.pushgate.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pushgate.model.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a session sends to the connection attached to it. The connection is an actor on a gateway
 * node, possibly another node than the session's.
 *
 * <p>Ordering: messages from one session to one connection arrive in the order sent (Pekko's
 * per-sender-receiver ordering), so pushes arrive in {@code seq} order.
 */
public sealed interface ConnectionMessage extends CborSerializable {

  /**
   * The session accepted the attachment. The connection should watch {@code session}: if it
   * terminates (node crash, rebalance, passivation) the connection re-attaches through sharding.
   *
   * @param pending number of QoS 1 messages waiting, which will now be (re)sent in order
   * @param topics the session's server-side topic subscriptions
   * @param broadcastCursor the session's cumulative ack of its app's broadcasts (written or not): a
   *     connection that delivers broadcasts itself starts after it
   * @param createdAtMillis when the session came into being: broadcasts sent before are not for it;
   *     {@code 0} when not known (a session of an older node, which delivers broadcasts itself)
   */
  record Attached(
      ActorRef<SessionCommand> session,
      int pending,
      List<String> topics,
      long broadcastCursor,
      long createdAtMillis)
      implements ConnectionMessage {

    public Attached {
      topics = topics == null ? List.of() : List.copyOf(topics);
    }

    /** Without broadcast delivery by the connection (tests). */
    public Attached(ActorRef<SessionCommand> session, int pending, List<String> topics) {
      this(session, pending, topics, 0, 0);
    }

    /** Without server-side topics (tests). */
    public Attached(ActorRef<SessionCommand> session, int pending) {
      this(session, pending, List.of());
    }
  }

  /** The session's server-side topic subscriptions changed; {@code topics} is the whole new set. */
  record TopicsChanged(List<String> topics) implements ConnectionMessage {
    public TopicsChanged {
      topics = List.copyOf(topics);
    }
  }

  /**
   * One message to write to the client.
   *
   * @param seq the session sequence number for a QoS 1 direct message; {@code 0} otherwise
   * @param bseq the app's broadcast sequence number for a QoS 1 broadcast; {@code 0} otherwise
   * @param acceptedAtMillis when the API accepted it (wall clock), for the delivery latency
   *     histogram; {@code 0} if unknown (an older node sent it)
   */
  record Push(String id, int qos, long seq, long bseq, String data, long acceptedAtMillis)
      implements ConnectionMessage {

    /** A direct message (no bseq). */
    public Push(String id, int qos, long seq, String data, long acceptedAtMillis) {
      this(id, qos, seq, 0, data, acceptedAtMillis);
    }

    /** Without an accept time (tests). */
    public Push(String id, int qos, long seq, String data) {
      this(id, qos, seq, 0, data, 0);
    }
  }

  /**
   * The session passivates while the connection stays open (nothing in flight, nothing pending,
   * idle for {@code connected-idle-passivation}). The connection stays attached for its client: it
   * stops watching {@code session} (its end is no loss) and sends what comes next (acks, detach)
   * through sharding, which wakes the session; the woken session says {@link Attached} again and
   * pushes as before.
   */
  record Parked(ActorRef<SessionCommand> session) implements ConnectionMessage {}

  /**
   * {@code message} for the connection {@code routeId} of the node whose router this is told to
   * ({@link SessionCommand.Attach#routeId}): one router per node instead of an actor per
   * connection. A router that no longer knows {@code routeId} (the connection closed, its detach is
   * still on the way or was lost) detaches it from {@code sessionEntityId}'s session.
   */
  record Routed(
      String routeId,
      String sessionEntityId,
      @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
          @JsonSubTypes({
            @JsonSubTypes.Type(value = Attached.class, name = "attached"),
            @JsonSubTypes.Type(value = TopicsChanged.class, name = "topics"),
            @JsonSubTypes.Type(value = Push.class, name = "push"),
            @JsonSubTypes.Type(value = Parked.class, name = "parked"),
            @JsonSubTypes.Type(value = Disconnect.class, name = "disconnect")
          })
          ConnectionMessage message)
      implements ConnectionMessage {

    /**
     * {@code message} as it is told to a connection with this route: wrapped, or as it is when
     * {@code routeId} is null.
     */
    public static ConnectionMessage of(
        String routeId, String sessionEntityId, ConnectionMessage message) {
      return routeId == null ? message : new Routed(routeId, sessionEntityId, message);
    }
  }

  /** The session ends this connection; the gateway closes the socket with the reason's code. */
  record Disconnect(DisconnectReason reason) implements ConnectionMessage {}
}
