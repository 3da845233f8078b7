package io.pushgate.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node drains its clients ({@code pushgate.gateway.drain}).
 *
 * @param spread reconnect delays handed to clients are spread evenly over {@code [0, spread)}
 *     (default 10 s)
 * @param grace extra time after {@code spread} before remaining clients are closed with 1001
 *     (default 5 s)
 */
public record DrainSettings(Duration spread, Duration grace) {

  public static DrainSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.gateway.drain");
    return new DrainSettings(c.getDuration("spread"), c.getDuration("grace"));
  }

  /** How long a drain may take before the remaining clients are closed. */
  public Duration total() {
    return spread.plus(grace);
  }
}
