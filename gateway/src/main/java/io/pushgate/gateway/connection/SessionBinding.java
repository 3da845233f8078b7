package io.pushgate.gateway.connection;

import io.pushgate.fanout.LivePush;
import io.pushgate.gateway.transport.Transport;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * One app's session on a connection: the hello app's, or one added with {@code bind}. Each has its
 * own session (own queue, acks, kick), its own connection id (so the session sees one connection
 * per binding) and address (a route through the node's {@link ConnectionRouter}, or its own {@link
 * ConnectionActor} with {@code route-through-node = false}), its own topics and its app-wide live
 * registration.
 *
 * <p>Confined to the connection's event loop.
 */
final class SessionBinding {

  final SessionId sessionId;
  final ConnectionInfo info;

  /** Its own actor, or null when it is reached through the node's router ({@link #routeId}). */
  private final ActorRef<Object> actor;

  /** Its route through the node's router (its connection id), or null when it has its own actor. */
  final String routeId;

  final ConnectionTopics topics;

  /** Its app's message meters (delivered, dropped at this connection). */
  final MessageMeters.App meters;

  /**
   * Its QoS 1 broadcasts when the connection delivers them ({@code pushgate.broadcast.delivery =
   * connection}), else null.
   */
  BroadcastDelivery broadcasts;

  /** The attached session actor (from Attached); null while attaching. */
  ActorRef<SessionCommand> session;

  /** Whether Attached has arrived since the last attach. */
  boolean attached;

  /**
   * The session parked ({@link ConnectionMessage.Parked}): still attached for the client; acks wake
   * it through sharding.
   */
  boolean parked;

  /** Whether the client was told (welcome or bound) once. */
  boolean announced;

  Transport.Timer attachTimer;
  private long lastAckForwarded;
  private long lastBroadcastAckForwarded;

  /** Exactly one of {@code actor} and {@code routeId} is given. */
  SessionBinding(
      SessionId sessionId,
      ConnectionInfo info,
      ActorRef<Object> actor,
      String routeId,
      ConnectionTopics topics,
      MessageMeters.App meters) {
    if ((actor == null) == (routeId == null))
      throw new IllegalArgumentException("an actor or a route id, not both");
    this.sessionId = sessionId;
    this.info = info;
    this.actor = actor;
    this.routeId = routeId;
    this.topics = topics;
    this.meters = meters;
  }

  String app() {
    return sessionId.app();
  }

  /**
   * The app-wide live key (QoS 0 broadcasts) this binding is registered under once announced; made
   * when needed, not kept.
   */
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
    gw.sessions()
        .session(sessionId)
        .tell(
            new SessionCommand.Attach(
                info, gw.settings().inflightWindow(), address(gw), broadcasts != null, routeId));
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
      target(gw)
          .tell(new SessionCommand.Ack(info.connectionId(), seq, broadcasts.takeUnreported()));
      return;
    }
    boolean newSeq = seq > lastAckForwarded;
    boolean newBseq = bseq > lastBroadcastAckForwarded;
    if (!newSeq && !newBseq) return;
    lastAckForwarded = Math.max(seq, lastAckForwarded);
    lastBroadcastAckForwarded = Math.max(bseq, lastBroadcastAckForwarded);
    target(gw)
        .tell(new SessionCommand.Ack(info.connectionId(), newSeq ? seq : 0, newBseq ? bseq : 0));
  }

  /**
   * What sessions address: the node's router (with {@link #routeId}) or the binding's own actor.
   */
  ActorRef<ConnectionMessage> address(GatewayContext gw) {
    return actor != null ? actor.narrow() : gw.router().narrow();
  }

  /**
   * The key this binding's local sink is registered under ({@link
   * io.pushgate.session.LocalConnections#key}).
   */
  Object localKey() {
    return actor != null ? actor : routeId;
  }

  /**
   * Death-watch {@code session} (it attached through the local sink, so no actor saw its Attached).
   */
  void watch(GatewayContext gw, ActorRef<SessionCommand> session) {
    if (actor != null) actor.tell(new ConnectionActor.Watch(session));
    else gw.router().tell(new ConnectionRouter.Watch(routeId, session));
  }

  /** Stop watching {@code session}: it parked (told through the local sink). */
  void unwatch(GatewayContext gw, ActorRef<SessionCommand> session) {
    if (actor != null) actor.tell(new ConnectionActor.Unwatch(session));
    else gw.router().tell(new ConnectionRouter.Unwatch(routeId, session));
  }

  /**
   * The session parked (true: it is not watched any more, and reached through sharding) or woke
   * again (false).
   */
  void parked(boolean parked) {
    this.parked = parked;
    if (parked) session = null;
    if (broadcasts != null) broadcasts.holdReports(parked);
  }

  /**
   * Tells the session the client's broadcast acks that the connection held ({@link
   * BroadcastDelivery}).
   */
  void reportBroadcastAck(GatewayContext gw, long upToBseq) {
    target(gw).tell(new SessionCommand.Ack(info.connectionId(), 0, upToBseq));
  }

  /**
   * The binding ends (socket closed, unbind, kick): detach from the session and leave every
   * fan-out.
   */
  void release(GatewayContext gw, LiveTarget target) {
    if (attachTimer != null) attachTimer.cancel();
    long heldBroadcastAck = broadcasts == null ? 0 : broadcasts.stop();
    if (heldBroadcastAck > 0)
      reportBroadcastAck(gw, heldBroadcastAck); // before the detach, which writes it
    // unreachable first: whatever a session sends after it has the detach finds no route (and is
    // answered with another detach) rather than this closing connection
    gw.localConnections().remove(localKey());
    if (actor == null) {
      gw.routes().remove(routeId);
      gw.router().tell(new ConnectionRouter.Forget(routeId));
    }
    target(gw).tell(new SessionCommand.Detach(info.connectionId()));
    if (actor != null) actor.tell(ConnectionActor.Stop.INSTANCE);
    topics.close();
    if (announced) gw.liveFanOut().remove(liveKey(), target);
  }

  private RecipientRef<SessionCommand> target(GatewayContext gw) {
    return session != null ? session : gw.sessions().session(sessionId);
  }
}
