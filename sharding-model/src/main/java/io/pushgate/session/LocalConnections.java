package io.pushgate.session;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The connections of this node that a session may write to without a mailbox in between: a session
 * attached to a connection of its own node hands its {@link ConnectionMessage}s to the connection's
 * {@link Sink} (which queues them on the connection's event loop) instead of telling the
 * connection's actor, which would only forward them there (one thread hand-off less per push,
 * docs/benchmarks.md "The unicast path"). A session whose connection is on another node, or not
 * registered, tells the actor as before.
 *
 * <p>Ordering: a session picks the route once per attachment ({@link #sinkFor} at {@code Attach})
 * and sends everything for that attachment the same way, so per-session order holds either way.
 *
 * <p>Bounded by the node's connections (one entry per bound app of each open connection; {@code
 * pushgate.gateway.max-connections}). Thread-safe.
 */
public final class LocalConnections implements Extension {

  /**
   * Takes the session's messages for one connection. Called on the session's thread: only enqueues,
   * never blocks.
   */
  @FunctionalInterface
  public interface Sink {
    void deliver(ConnectionMessage message);
  }

  private static final ExtensionId<LocalConnections> ID =
      new ExtensionId<>() {
        @Override
        public LocalConnections createExtension(ActorSystem<?> system) {
          return new LocalConnections();
        }
      };

  /** By {@link #key}: the route id of a routed connection, else its actor. */
  private final ConcurrentHashMap<Object, Sink> sinks = new ConcurrentHashMap<>();

  private LocalConnections() {}

  public static LocalConnections get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /**
   * The key a connection is known by: its route id through its node's router ({@link
   * SessionCommand.Attach#routeId}), or its own actor when it has none.
   */
  public static Object key(ActorRef<?> connection, String routeId) {
    return routeId != null ? routeId : connection;
  }

  /**
   * The connection known by {@code key} ({@link #key}) takes session messages through {@code sink}
   * until {@link #remove}.
   */
  public void register(Object key, Sink sink) {
    sinks.put(key, sink);
  }

  public void remove(Object key) {
    sinks.remove(key);
  }

  /**
   * The sink of a connection of this node known by {@code key} ({@link #key}), or null: tell it
   * through its actor.
   */
  public Sink sinkFor(Object key) {
    return sinks.get(key);
  }

  /** How many connections are registered (tests, metrics). */
  public int size() {
    return sinks.size();
  }
}
