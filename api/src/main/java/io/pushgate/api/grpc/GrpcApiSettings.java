package io.pushgate.api.grpc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * {@code pushgate.api.grpc} (api's reference.conf).
 *
 * @param http the port's Pekko HTTP server settings: {@code pekko.http.server} with {@code
 *     pushgate.api.grpc.http} on top and HTTP/2 on, as a whole config for {@code
 *     ServerSettings.create}
 */
public record GrpcApiSettings(
    boolean enabled,
    String host,
    int port,
    boolean tls,
    int maxMessageBytes,
    int maxInFlight,
    Config http) {

  public GrpcApiSettings {
    if (maxMessageBytes < 1)
      throw new IllegalArgumentException("pushgate.api.grpc.max-message-bytes must be >= 1");
    if (maxInFlight < 1)
      throw new IllegalArgumentException("pushgate.api.grpc.publish.max-in-flight must be >= 1");
  }

  public static GrpcApiSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.api.grpc");
    Config http =
        c.getConfig("http")
            .withFallback(config.getConfig("pekko.http.server"))
            .atPath("pekko.http.server")
            .withFallback(config);
    http = ConfigFactory.parseString("pekko.http.server.enable-http2 = on").withFallback(http);
    long maxMessage = c.getBytes("max-message-bytes");
    return new GrpcApiSettings(
        c.getBoolean("enabled"),
        c.getString("host"),
        c.getInt("port"),
        c.getBoolean("tls"),
        (int) Math.min(Integer.MAX_VALUE - 5, maxMessage),
        c.getInt("publish.max-in-flight"),
        http);
  }

  /** The same with another port (tests bind port 0). */
  public GrpcApiSettings withPort(int port) {
    return new GrpcApiSettings(enabled, host, port, tls, maxMessageBytes, maxInFlight, http);
  }
}
