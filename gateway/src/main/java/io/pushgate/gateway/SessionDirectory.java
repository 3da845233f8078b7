package io.pushgate.gateway;

import io.pushgate.broadcast.BroadcastFeed;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionSharding;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * How a connection reaches its session: a location-transparent reference, looked up on every
 * (re-)attach. In production this is {@link SessionSharding#session(SessionId)}; tests may plug in
 * a stub. Must be thread-safe and must not block (called on Netty event loops).
 */
@FunctionalInterface
public interface SessionDirectory {

  RecipientRef<SessionCommand> session(SessionId id);

  /**
   * The node's QoS 1 broadcasts when connections deliver them themselves, or null when sessions do
   * (the default here: stub sessions of tests deliver their own).
   */
  default BroadcastFeed broadcastFeed() {
    return null;
  }

  /** The production directory: cluster sharding. */
  static SessionDirectory of(SessionSharding sharding) {
    return new SessionDirectory() {
      @Override
      public RecipientRef<SessionCommand> session(SessionId id) {
        return sharding.session(id);
      }

      @Override
      public BroadcastFeed broadcastFeed() {
        return sharding.broadcastFeed();
      }
    };
  }
}
