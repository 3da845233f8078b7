package io.pushgate.session;

import io.pushgate.model.CborSerializable;

/**
 * The connection a session was attached to when it passivated while connected ("parked", see {@link
 * SessionEvent.ConnectionParked}): what the session needs to take it up again when a message, an
 * ack or a status request wakes it.
 *
 * @param connectionRef the connection actor, in {@link
 *     org.apache.pekko.actor.typed.ActorRefResolver}'s serialization format (its uid included, so a
 *     later actor at the same path is never taken for it)
 * @param info the connection as the status API reports it
 * @param window the connection's in-flight window
 * @param deliversBroadcasts whether the connection delivers the app's QoS 1 broadcasts itself
 * @param routeId the connection's route through its node's router ({@code connectionRef}), or null
 *     when {@code connectionRef} is its own actor
 */
public record ParkedConnection(
    String connectionRef,
    ConnectionInfo info,
    int window,
    boolean deliversBroadcasts,
    String routeId)
    implements CborSerializable {}
