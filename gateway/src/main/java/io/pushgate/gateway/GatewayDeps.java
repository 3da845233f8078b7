package io.pushgate.gateway;

import io.pushgate.model.AppRegistry;
import io.pushgate.paced.RateGate;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a gateway server takes from the rest of the node ({@link GatewayServer#start}): the sessions
 * its connections attach to, the apps, its settings, the apps' shared send rate that every live
 * delivery (topic message, QoS 0 broadcast) takes a token from, and where callbacks and upstream
 * data go. {@link #of} gives the defaults (settings from the system's config, no shared rate, no
 * backend); the {@code with} methods replace one part.
 */
public record GatewayDeps(
    SessionDirectory sessions,
    AppRegistry apps,
    GatewaySettings settings,
    RateGate rate,
    BackendHooks backend) {

  public GatewayDeps {
    Objects.requireNonNull(sessions, "sessions");
    Objects.requireNonNull(apps, "apps");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(backend, "backend");
  }

  /**
   * {@code pushgate.gateway} from {@code system}'s config, no shared rate for live deliveries, no
   * backend.
   */
  public static GatewayDeps of(ActorSystem<?> system, SessionDirectory sessions, AppRegistry apps) {
    return new GatewayDeps(
        sessions,
        apps,
        GatewaySettings.fromConfig(system.settings().config()),
        RateGate.unlimited(),
        BackendHooks.NONE);
  }

  public GatewayDeps withSettings(GatewaySettings settings) {
    return new GatewayDeps(sessions, apps, settings, rate, backend);
  }

  public GatewayDeps withRate(RateGate rate) {
    return new GatewayDeps(sessions, apps, settings, rate, backend);
  }

  public GatewayDeps withBackend(BackendHooks backend) {
    return new GatewayDeps(sessions, apps, settings, rate, backend);
  }
}
