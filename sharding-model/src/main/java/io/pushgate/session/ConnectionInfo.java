package io.pushgate.session;

import io.pushgate.model.CborSerializable;

/**
 * What a session knows about an attached connection, reported by the status API.
 *
 * @param connectionId unique id of the connection (unique per node and time)
 * @param node the cluster address of the gateway node holding the socket
 * @param transport e.g. {@code "websocket"}
 * @param sinceMillis epoch millis when it attached
 */
public record ConnectionInfo(String connectionId, String node, String transport, long sinceMillis)
    implements CborSerializable {}
