package io.pushgate.gateway;

import com.typesafe.config.Config;
import io.pushgate.gateway.protocol.HeartbeatPolicy;
import java.time.Duration;

/**
 * Settings of the gateway, from {@code pushgate.gateway} (reference.conf documents every key and
 * its default). Validated on construction.
 */
public record GatewaySettings(
    String host,
    int port,
    int ioThreads,
    IoTransport ioTransport,
    int backlog,
    int maxConnections,
    Duration handshakeTimeout,
    Duration helloTimeout,
    Duration attachTimeout,
    int maxAttaching,
    boolean routeThroughNode,
    boolean welcomeBeforeAttach,
    HeartbeatPolicy heartbeat,
    int maxFrameBytes,
    int inflightWindow,
    int writeBufferLowWaterMark,
    int writeBufferHighWaterMark,
    Duration slowConsumerTimeout,
    Duration closeTimeout,
    int maxHttpBodyBytes,
    Duration httpIdleTimeout,
    Duration httpRequestReadTimeout,
    Duration stopTimeout,
    FrameRate inboundRate,
    SourceAccess.Settings access) {

  /** The WebSocket endpoint path (fixed by the public protocol). */
  public static final String WEBSOCKET_PATH = "/v1/ws";

  public GatewaySettings {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    if (ioThreads < 0) throw new IllegalArgumentException("io-threads must be >= 0");
    if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1");
    if (maxConnections < 1) throw new IllegalArgumentException("max-connections must be >= 1");
    if (maxAttaching < 1) throw new IllegalArgumentException("max-attaching must be >= 1");
    if (maxFrameBytes < 128) throw new IllegalArgumentException("max-frame-bytes must be >= 128");
    if (inflightWindow < 1) throw new IllegalArgumentException("inflight-window must be >= 1");
    if (writeBufferLowWaterMark < 1 || writeBufferHighWaterMark < writeBufferLowWaterMark) {
      throw new IllegalArgumentException(
          "need 1 <= write-buffer-low-water-mark <= write-buffer-high-water-mark");
    }
    if (maxHttpBodyBytes < 0)
      throw new IllegalArgumentException("max-http-body-bytes must be >= 0");
    for (Duration d :
        new Duration[] {
          handshakeTimeout,
          helloTimeout,
          attachTimeout,
          slowConsumerTimeout,
          closeTimeout,
          httpIdleTimeout,
          httpRequestReadTimeout,
          stopTimeout
        }) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("timeouts must be > 0");
    }
  }

  /**
   * Reads {@code pushgate.gateway} from a full config (e.g. {@code system.settings().config()}).
   */
  public static GatewaySettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.gateway");
    Config hb = c.getConfig("heartbeat");
    return new GatewaySettings(
        c.getString("host"),
        c.getInt("port"),
        c.getInt("io-threads"),
        IoTransport.parse(c.getString("io-transport")),
        c.getInt("backlog"),
        c.getInt("max-connections"),
        c.getDuration("handshake-timeout"),
        c.getDuration("hello-timeout"),
        c.getDuration("attach-timeout"),
        c.getInt("max-attaching"),
        c.getBoolean("route-through-node"),
        c.getBoolean("welcome-before-attach"),
        new HeartbeatPolicy(
            hb.getInt("default-seconds"),
            hb.getInt("min-seconds"),
            hb.getInt("max-seconds"),
            hb.getDouble("timeout-factor")),
        bytes(c, "max-frame-bytes"),
        c.getInt("inflight-window"),
        bytes(c, "write-buffer-low-water-mark"),
        bytes(c, "write-buffer-high-water-mark"),
        c.getDuration("slow-consumer-timeout"),
        c.getDuration("close-timeout"),
        bytes(c, "max-http-body-bytes"),
        c.getDuration("http-idle-timeout"),
        c.getDuration("http-request-read-timeout"),
        c.getDuration("stop-timeout"),
        new FrameRate(c.getInt("inbound-rate"), c.getInt("inbound-burst")),
        access(c.getConfig("access")));
  }

  private static SourceAccess.Settings access(Config a) {
    return new SourceAccess.Settings(
        a.getInt("max-connections-per-source"),
        a.getInt("handshake-rate"),
        a.getInt("handshake-burst"),
        a.getStringList("allow"),
        a.getStringList("deny"),
        a.getInt("max-tracked-sources"));
  }

  private static int bytes(Config c, String path) {
    long value = c.getBytes(path);
    if (value > Integer.MAX_VALUE)
      throw new IllegalArgumentException(path + " too large: " + value);
    return (int) value;
  }
}
