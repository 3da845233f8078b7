package io.pushgate.gateway;

import com.typesafe.config.ConfigFactory;

/** Gateway settings for tests: loopback, ephemeral port, plus overrides. */
final class GatewayTestSettings {

  private GatewayTestSettings() {}

  /**
   * @param overrides HOCON inside {@code pushgate.gateway { ... }}
   */
  static GatewaySettings gateway(String overrides) {
    return GatewaySettings.fromConfig(
        ConfigFactory.parseString(
                "pushgate.gateway { host = 127.0.0.1, port = 0\n" + overrides + "\n}")
            .withFallback(ConfigFactory.load()));
  }
}
