package io.pushgate.gateway.connection;

import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
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
 * The actor face of one client connection's binding to one app: the session addresses it (its ref,
 * narrowed to {@link ConnectionMessage}, travels in {@code Attach}). It owns no connection state:
 * it hands every message to the connection's event loop through {@code sink}, and death-watches the
 * session ref from the last {@link ConnectionMessage.Attached} (or {@link Watch}), reporting its
 * termination as {@link SessionLost}, until the session parks ({@link ConnectionMessage.Parked}). A
 * session on the same node skips this actor ({@link io.pushgate.session.LocalConnections}); the
 * connection then sends {@link Watch} and {@link Unwatch} itself. Stopped with {@link Stop} when
 * the socket closes (the session's own death watch then cleans up too).
 *
 * <p>Only with {@code route-through-node = false} (sessions of versions before the node's {@link
 * ConnectionRouter}); then one per bound app of every open connection, so it is kept small: a plain
 * {@link ExtensibleBehavior} with one dispatch method, not a receive builder whose cases each
 * connection would hold (about 230 B per connection, docs/benchmarks.md).
 */
final class ConnectionActor extends ExtensibleBehavior<Object> {

  /** Local-only: stop this actor. */
  enum Stop implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Local-only: watch this session (it attached through the connection's local sink). */
  record Watch(ActorRef<SessionCommand> session) implements NoSerializationVerificationNeeded {}

  /**
   * Local-only: stop watching this session (it parked, telling the connection through its local
   * sink).
   */
  record Unwatch(ActorRef<SessionCommand> session) implements NoSerializationVerificationNeeded {}

  /** Local-only: the watched session actor terminated. */
  record SessionLost(ActorRef<?> session) implements NoSerializationVerificationNeeded {}

  private final Consumer<Object> sink;
  private ActorRef<SessionCommand> watched;

  private ConnectionActor(Consumer<Object> sink) {
    this.sink = sink;
  }

  /**
   * @param sink receives {@link ConnectionMessage}s and {@link SessionLost}, on the actor's thread;
   *     must only enqueue (never block)
   */
  static Behavior<Object> create(Consumer<Object> sink) {
    return new ConnectionActor(sink);
  }

  @Override
  public Behavior<Object> receive(TypedActorContext<Object> ctx, Object message) {
    if (message instanceof ConnectionMessage.Attached attached) {
      watch(ctx, attached.session());
      sink.accept(attached);
    } else if (message instanceof ConnectionMessage.Parked parked) {
      unwatch(ctx, parked.session()); // a parked session's end is no loss
      sink.accept(parked);
    } else if (message instanceof ConnectionMessage connectionMessage) {
      sink.accept(connectionMessage);
    } else if (message instanceof Watch w) {
      watch(ctx, w.session());
    } else if (message instanceof Unwatch u) {
      unwatch(ctx, u.session());
    } else if (message == Stop.INSTANCE) {
      return Behaviors.stopped();
    } else {
      return Behaviors.unhandled();
    }
    return this;
  }

  @Override
  public Behavior<Object> receiveSignal(TypedActorContext<Object> ctx, Signal signal) {
    if (signal instanceof Terminated terminated
        && watched != null
        && terminated.getRef().equals(watched)) {
      watched = null;
      sink.accept(new SessionLost(terminated.getRef()));
    }
    return this;
  }

  private void watch(TypedActorContext<Object> ctx, ActorRef<SessionCommand> session) {
    if (watched != null && !watched.equals(session)) ctx.asJava().unwatch(watched);
    watched = session;
    ctx.asJava().watch(watched);
  }

  private void unwatch(TypedActorContext<Object> ctx, ActorRef<SessionCommand> session) {
    if (watched != null && watched.equals(session)) {
      ctx.asJava().unwatch(watched);
      watched = null;
    }
  }
}
