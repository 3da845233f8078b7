package io.pushgate.api.dispatch;

import io.pushgate.model.SessionId;
import java.util.List;

/**
 * Where a client should connect. Implemented by the node from cluster membership; read on every
 * dispatch request, so implementations answer from local state and never block.
 */
@FunctionalInterface
public interface EndpointDirectory {

  /**
   * Client endpoints (e.g. {@code ws://10.0.0.1:8080/v1/ws}) in the order the client should try
   * them: first the node hosting the session's shard when known, then the other nodes that are up
   * and reachable, in an order that differs per user (so users spread). Never a node that is
   * leaving, exiting, down or unreachable. Empty if no gateway is known.
   */
  List<String> endpointsFor(SessionId session);
}
