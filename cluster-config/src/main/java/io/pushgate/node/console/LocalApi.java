package io.pushgate.node.console;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Where this node's backend API listens, once it is bound: the console's {@link ApiProxy} forwards
 * there. Empty on a node without the gateway role. Thread-safe.
 */
public final class LocalApi implements Extension {

  private static final ExtensionId<LocalApi> ID =
      new ExtensionId<>() {
        @Override
        public LocalApi createExtension(ActorSystem<?> system) {
          return new LocalApi();
        }
      };

  private final AtomicReference<InetSocketAddress> address = new AtomicReference<>();

  private LocalApi() {}

  public static LocalApi get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public void bound(InetSocketAddress api) {
    address.set(api);
  }

  Optional<InetSocketAddress> address() {
    return Optional.ofNullable(address.get());
  }
}
