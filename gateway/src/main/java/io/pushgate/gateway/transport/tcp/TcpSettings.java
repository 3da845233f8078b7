package io.pushgate.gateway.transport.tcp;

import com.typesafe.config.Config;

/**
 * {@code pushgate.gateway.tcp}: the raw TCP transport's own settings (docs/configuration.md). Every
 * other limit of {@code pushgate.gateway} (max-frame-bytes, timeouts, heartbeats, inbound rate,
 * access policy, TLS) applies to TCP connections too; {@code max-connections} counts both
 * transports.
 *
 * @param enabled whether the TCP port is opened
 * @param host the interface to bind
 * @param port the TCP port (0: any free port)
 * @param outboundFrames frames queued for one connection's socket: from half of it on the
 *     connection counts as not writable (QoS 0 dropped, slow-consumer-timeout runs); when it is
 *     full the connection is closed with 4002 at once
 * @param interpreters stream interpreters (actors) that run the connections' graphs, each serving
 *     many connections as an event loop does; 0 in the config means twice the available cores
 */
public record TcpSettings(
    boolean enabled, String host, int port, int outboundFrames, int interpreters) {

  public TcpSettings {
    if (port < 0 || port > 65535)
      throw new IllegalArgumentException("pushgate.gateway.tcp.port must be 0-65535");
    if (outboundFrames < 4)
      throw new IllegalArgumentException("pushgate.gateway.tcp.outbound-frames must be >= 4");
    if (interpreters < 1)
      throw new IllegalArgumentException("pushgate.gateway.tcp.interpreters must be >= 1");
  }

  public static TcpSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.gateway.tcp");
    return new TcpSettings(
        c.getBoolean("enabled"),
        c.getString("host"),
        c.getInt("port"),
        c.getInt("outbound-frames"),
        c.getInt("interpreters") == 0
            ? 2 * Runtime.getRuntime().availableProcessors()
            : c.getInt("interpreters"));
  }

  /** Queued frames from which the connection is not writable. */
  int highWater() {
    return outboundFrames / 2;
  }

  /** Queued frames under which it is writable again. */
  int lowWater() {
    return outboundFrames / 4;
  }
}
