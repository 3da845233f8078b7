package io.pushgate.gateway.connection;

import io.pushgate.fanout.LivePush;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * One app's session on a connection: the hello app's, or one added with {@code bind}. Each has its
 * own session (own queue, acks, kick), its own {@link ConnectionActor} and connection id (so the
 * session sees one connection per binding), its own topics and its app-wide live registration.
 *
 * <p>Confined to the connection's event loop.
 */
final class SessionBinding {

  final SessionId sessionId;
  final ConnectionInfo info;
  final ActorRef<Object> actor;
  final ConnectionTopics topics;
  /** Its app's message meters (delivered, dropped at this connection). */
  final MessageMeters.App meters;
  /** Its QoS 1 broadcasts when the connection delivers them ({@code pushgate.broadcast.delivery = connection}), else null. */
  BroadcastDelivery broadcasts;

  /** The attached session actor (from Attached); null while attaching. */
  ActorRef<SessionCommand> session;
  /** Whether Attached has arrived since the last attach. */
  boolean attached;
  /** The session parked ({@link ConnectionMessage.Parked}): still attached for the client; acks wake it through sharding. */
  boolean parked;
  /** Whether the client was told (welcome or bound) once. */
  boolean announced;
  Transport.Timer attachTimer;
  private long lastAckForwarded;
  private long lastBroadcastAckForwarded;

  SessionBinding(
      SessionId sessionId, ConnectionInfo info, ActorRef<Object> actor, ConnectionTopics topics, MessageMeters.App meters) {
    this.sessionId = sessionId;
    this.info = info;
    this.actor = actor;
    this.topics = topics;
    this.meters = meters;
  }

  String app() {
    return sessionId.app();
  }

  /** The app-wide live key (QoS 0 broadcasts) this binding is registered under once announced; made when needed, not kept. */
  String liveKey() {
    return LivePush.clusterTopic(sessionId.app(), null);
  }

  /** Sends Attach (again, after the session was lost); acks start over with it. */
  void attach(GatewayContext gw) {
    session = null;
    attached = false;
    parked(false);
    lastAckForwarded = 0;
    lastBroadcastAckForwarded = 0;
    ActorRef<ConnectionMessage> self = actor.narrow();
    gw.sessions().session(sessionId).tell(new SessionCommand.Attach(info, gw.settings().inflightWindow(), self, broadcasts != null));
  }

  /**
   * Forwards a cumulative ack if it says something new. Broadcast acks of a connection that
   * delivers broadcasts stay with it ({@link BroadcastDelivery}: reported later, or now with a
   * message ack).
   */
  void ack(GatewayContext gw, long seq, long bseq) {
    if (broadcasts != null && broadcasts.active()) {
      if (bseq > 0) broadcasts.ack(bseq);
      if (seq <= lastAckForwarded) return;
      lastAckForwarded = seq;
      target(gw).tell(new SessionCommand.Ack(info.connectionId(), seq, broadcasts.takeUnreported()));
      return;
    }
    boolean newSeq = seq > lastAckForwarded;
    boolean newBseq = bseq > lastBroadcastAckForwarded;
    if (!newSeq && !newBseq) return;
    lastAckForwarded = Math.max(seq, lastAckForwarded);
    lastBroadcastAckForwarded = Math.max(bseq, lastBroadcastAckForwarded);
    target(gw).tell(new SessionCommand.Ack(info.connectionId(), newSeq ? seq : 0, newBseq ? bseq : 0));
  }

  /** The session parked (true: it is not watched any more, and reached through sharding) or woke again (false). */
  void parked(boolean parked) {
    this.parked = parked;
    if (parked) session = null;
    if (broadcasts != null) broadcasts.holdReports(parked);
  }

  /** Tells the session the client's broadcast acks that the connection held ({@link BroadcastDelivery}). */
  void reportBroadcastAck(GatewayContext gw, long upToBseq) {
    target(gw).tell(new SessionCommand.Ack(info.connectionId(), 0, upToBseq));
  }

  /** The binding ends (socket closed, unbind, kick): detach from the session and leave every fan-out. */
  void release(GatewayContext gw, LiveTarget target) {
    if (attachTimer != null) attachTimer.cancel();
    long heldBroadcastAck = broadcasts == null ? 0 : broadcasts.stop();
    if (heldBroadcastAck > 0) reportBroadcastAck(gw, heldBroadcastAck); // before the detach, which writes it
    target(gw).tell(new SessionCommand.Detach(info.connectionId()));
    gw.localConnections().remove(actor);
    actor.tell(ConnectionActor.Stop.INSTANCE);
    topics.close();
    if (announced) gw.liveFanOut().remove(liveKey(), target);
  }

  private RecipientRef<SessionCommand> target(GatewayContext gw) {
    return session != null ? session : gw.sessions().session(sessionId);
  }
}
