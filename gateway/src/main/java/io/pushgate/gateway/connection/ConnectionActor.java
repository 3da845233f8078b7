package io.pushgate.gateway.connection;

import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.SessionCommand;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The actor face of one client connection: the session addresses it (its ref, narrowed to
 * {@link ConnectionMessage}, travels in {@code Attach}). It owns no connection state: it hands
 * every message to the connection's event loop through {@code sink}, and death-watches the
 * session ref from the last {@link ConnectionMessage.Attached} (or {@link Watch}), reporting its
 * termination as {@link SessionLost}, until the session parks ({@link ConnectionMessage.Parked}). A session on the same node skips this actor
 * ({@link io.pushgate.session.LocalConnections}); the connection then sends {@link Watch} itself.
 * Stopped with {@link Stop} when the socket closes (the session's own death watch then cleans up too).
 */
final class ConnectionActor extends AbstractBehavior<Object> {

  /** Local-only: stop this actor. */
  enum Stop implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Local-only: watch this session (it attached through the connection's local sink). */
  record Watch(ActorRef<SessionCommand> session) implements NoSerializationVerificationNeeded {}

  /** Local-only: stop watching this session (it parked, telling the connection through its local sink). */
  record Unwatch(ActorRef<SessionCommand> session) implements NoSerializationVerificationNeeded {}

  /** Local-only: the watched session actor terminated. */
  record SessionLost(ActorRef<?> session) implements NoSerializationVerificationNeeded {}

  private final Consumer<Object> sink;
  private ActorRef<SessionCommand> watched;

  private ConnectionActor(ActorContext<Object> ctx, Consumer<Object> sink) {
    super(ctx);
    this.sink = sink;
  }

  /**
   * @param sink receives {@link ConnectionMessage}s and {@link SessionLost}, on the actor's
   *             thread; must only enqueue (never block)
   */
  static Behavior<Object> create(Consumer<Object> sink) {
    return Behaviors.setup(ctx -> new ConnectionActor(ctx, sink));
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(ConnectionMessage.Attached.class, this::onAttached)
        .onMessage(Watch.class, w -> watch(w.session()))
        .onMessage(Unwatch.class, u -> unwatch(u.session()))
        .onMessage(ConnectionMessage.Parked.class, this::onParked)
        .onMessage(ConnectionMessage.class, this::forward)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Object> onAttached(ConnectionMessage.Attached attached) {
    watch(attached.session());
    sink.accept(attached);
    return this;
  }

  private Behavior<Object> watch(ActorRef<SessionCommand> session) {
    if (watched != null && !watched.equals(session)) getContext().unwatch(watched);
    watched = session;
    getContext().watch(watched);
    return this;
  }

  /** A parked session's end is no loss: it is not watched any more, and the connection is told. */
  private Behavior<Object> onParked(ConnectionMessage.Parked parked) {
    unwatch(parked.session());
    sink.accept(parked);
    return this;
  }

  private Behavior<Object> unwatch(ActorRef<SessionCommand> session) {
    if (watched != null && watched.equals(session)) {
      getContext().unwatch(watched);
      watched = null;
    }
    return this;
  }

  private Behavior<Object> forward(ConnectionMessage message) {
    sink.accept(message);
    return this;
  }

  private Behavior<Object> onTerminated(Terminated terminated) {
    if (watched != null && terminated.getRef().equals(watched)) {
      watched = null;
      sink.accept(new SessionLost(terminated.getRef()));
    }
    return this;
  }
}
