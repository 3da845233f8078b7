package io.pushgate.gateway.connection;

import io.pushgate.gateway.SessionDirectory;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ExtensibleBehavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The actor face of every client connection of one gateway node ({@code route-through-node}, the
 * default): sessions address it, with the connection's route id in each {@link
 * ConnectionMessage.Routed}, instead of an actor per connection (about 1 KB of heap and an actor
 * start and stop per connection, docs/benchmarks.md). It owns no connection state: it hands each
 * message to its connection's event loop through the {@link Routes} entry the connection
 * registered, and death-watches the session each connection is attached to (from the last {@link
 * ConnectionMessage.Attached}, or {@link Watch} for a session of this node, which writes to the
 * connection directly), reporting its end as {@link ConnectionActor.SessionLost} until the session
 * parks. A message for a route it no longer knows (the connection closed and its detach is on the
 * way, or was lost) is answered with {@code Detach} to that session through sharding.
 *
 * <p>Bounded by the node's connections: one route and at most one watched session per bound app of
 * each open connection ({@code max-connections}).
 */
final class ConnectionRouter extends ExtensibleBehavior<Object> {

  /**
   * Where the router hands each connection's messages: one entry per bound app of each open
   * connection. Thread-safe.
   */
  static final class Routes {
    private final ConcurrentHashMap<String, Consumer<Object>> byId = new ConcurrentHashMap<>();

    /**
     * Messages for {@code routeId} go to {@code sink} (on the router's thread: it must only
     * enqueue) until {@link #remove}.
     */
    void register(String routeId, Consumer<Object> sink) {
      byId.put(routeId, sink);
    }

    void remove(String routeId) {
      byId.remove(routeId);
    }

    Consumer<Object> get(String routeId) {
      return byId.get(routeId);
    }

    int size() {
      return byId.size();
    }
  }

  /**
   * Local-only: watch {@code session} for the connection {@code routeId} (it attached through the
   * connection's local sink).
   */
  record Watch(String routeId, ActorRef<SessionCommand> session)
      implements NoSerializationVerificationNeeded {}

  /** Local-only: stop watching {@code session} for {@code routeId} (it parked). */
  record Unwatch(String routeId, ActorRef<SessionCommand> session)
      implements NoSerializationVerificationNeeded {}

  /** Local-only: the connection {@code routeId} is gone: forget its watch. */
  record Forget(String routeId) implements NoSerializationVerificationNeeded {}

  private final Routes routes;
  private final SessionDirectory sessions;

  /** The session each route watches. */
  private final Map<String, ActorRef<?>> sessionOf = new HashMap<>();

  /** The routes that watch each session: a String for one (the common case), a Set for more. */
  private final Map<ActorRef<?>, Object> routesOf = new HashMap<>();

  private ConnectionRouter(Routes routes, SessionDirectory sessions) {
    this.routes = routes;
    this.sessions = sessions;
  }

  static Behavior<Object> create(Routes routes, SessionDirectory sessions) {
    return new ConnectionRouter(routes, sessions);
  }

  /** Stops the router (the gateway server stopped). */
  enum Stop {
    INSTANCE
  }

  @Override
  public Behavior<Object> receive(TypedActorContext<Object> ctx, Object message) {
    if (message == Stop.INSTANCE) return Behaviors.stopped();
    if (message instanceof ConnectionMessage.Routed routed) {
      route(ctx, routed);
    } else if (message instanceof Watch w) {
      watch(ctx, w.routeId(), w.session());
    } else if (message instanceof Unwatch u) {
      if (u.session().equals(sessionOf.get(u.routeId()))) forget(ctx, u.routeId());
    } else if (message instanceof Forget f) {
      forget(ctx, f.routeId());
    }
    return this;
  }

  private void route(TypedActorContext<Object> ctx, ConnectionMessage.Routed routed) {
    Consumer<Object> sink = routes.get(routed.routeId());
    if (sink == null) {
      if (routed.sessionEntityId() != null) {
        SessionId.fromEntityId(routed.sessionEntityId())
            .ifPresent(
                id -> sessions.session(id).tell(new SessionCommand.Detach(routed.routeId())));
      }
      return;
    }
    ConnectionMessage message = routed.message();
    if (message instanceof ConnectionMessage.Attached attached)
      watch(ctx, routed.routeId(), attached.session());
    if (message instanceof ConnectionMessage.Parked parked
        && parked.session().equals(sessionOf.get(routed.routeId()))) {
      forget(ctx, routed.routeId()); // a parked session's end is no loss
    }
    sink.accept(message);
  }

  @Override
  public Behavior<Object> receiveSignal(TypedActorContext<Object> ctx, Signal signal) {
    if (signal instanceof Terminated terminated) {
      ActorRef<?> session = terminated.getRef();
      Object watchers = routesOf.remove(session);
      if (watchers instanceof String routeId) {
        lost(routeId, session);
      } else if (watchers instanceof Set<?> routeIds) {
        for (Object routeId : routeIds) lost((String) routeId, session);
      }
    }
    return this;
  }

  private void lost(String routeId, ActorRef<?> session) {
    sessionOf.remove(routeId);
    Consumer<Object> sink = routes.get(routeId);
    if (sink != null) sink.accept(new ConnectionActor.SessionLost(session));
  }

  private void watch(TypedActorContext<Object> ctx, String routeId, ActorRef<?> session) {
    ActorRef<?> before = sessionOf.get(routeId);
    if (session.equals(before)) return;
    if (before != null) forget(ctx, routeId);
    sessionOf.put(routeId, session);
    Object watchers = routesOf.get(session);
    if (watchers == null) {
      routesOf.put(session, routeId);
      ctx.asJava().watch(session);
    } else if (watchers instanceof String one) {
      Set<String> both = new HashSet<>(4);
      both.add(one);
      both.add(routeId);
      routesOf.put(session, both);
    } else {
      @SuppressWarnings("unchecked")
      Set<String> many = (Set<String>) watchers;
      many.add(routeId);
    }
  }

  private void forget(TypedActorContext<Object> ctx, String routeId) {
    ActorRef<?> session = sessionOf.remove(routeId);
    if (session == null) return;
    Object watchers = routesOf.get(session);
    if (watchers instanceof Set<?> many) {
      many.remove(routeId);
      if (!many.isEmpty()) return;
    } else if (!routeId.equals(watchers)) {
      return;
    }
    routesOf.remove(session);
    ctx.asJava().unwatch(session);
  }
}
