package io.pushgate.api.server;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * How the API port accepts and guards connections ({@code pushgate.api.host}, {@code port} and
 * {@code pushgate.api.http}, laid over {@code pekko.http.server} for this port only; defaults in
 * the api module's reference.conf, docs/configuration.md).
 *
 * @param http Pekko HTTP's server settings for the port (parsing limits, request-timeout, ...)
 * @param backlog the listen socket's accept queue (the kernel caps it at {@code
 *     net.core.somaxconn}); connections past both limits below wait there
 * @param maxConnections connections served at once
 * @param maxRefusingConnections past {@code maxConnections}, at most this many more connections are
 *     accepted only to answer their request 503 {@code overloaded} with {@code Retry-After}
 * @param requestReadTimeout a request head must arrive within this of its first byte, and its body
 *     within this of its head (408 {@code request_timeout})
 * @param idleTimeout a connection without traffic this long is closed (empty: never)
 * @param lingerTimeout after the node answered and closed its side, how long it keeps reading and
 *     discarding what the client still sends, so the client reads the answer, not a reset
 * @param ioThreads the port's socket threads (Netty event loops); they only read, write and hand
 *     over, so one serves tens of thousands of requests per second
 */
public record ApiListenerSettings(
    String host,
    int port,
    ServerSettings http,
    int backlog,
    int maxConnections,
    int maxRefusingConnections,
    Duration requestReadTimeout,
    Optional<Duration> idleTimeout,
    Duration lingerTimeout,
    int ioThreads) {

  public ApiListenerSettings {
    if (maxConnections < 1)
      throw new IllegalArgumentException("pushgate.api.http.max-connections must be >= 1");
    if (maxRefusingConnections < 0) {
      throw new IllegalArgumentException("pushgate.api.http.max-refusing-connections must be >= 0");
    }
    if (backlog < 1) throw new IllegalArgumentException("pushgate.api.http.backlog must be >= 1");
    if (ioThreads < 1)
      throw new IllegalArgumentException("pushgate.api.http.io-threads must be >= 1");
  }

  /** From {@code pushgate.api}, on {@code host:port}. */
  public static ApiListenerSettings fromConfig(Config config, String host, int port) {
    Config http = config.getConfig("pushgate.api.http");
    Config merged = http.withFallback(config.getConfig("pekko.http.server"));
    ServerSettings server =
        ServerSettings.create(http.atPath("pekko.http.server").withFallback(config));
    return new ApiListenerSettings(
        host,
        port,
        server,
        merged.getInt("backlog"),
        merged.getInt("max-connections"),
        http.getInt("max-refusing-connections"),
        http.getDuration("request-read-timeout"),
        "infinite".equals(merged.getString("idle-timeout"))
            ? Optional.empty()
            : Optional.of(merged.getDuration("idle-timeout")),
        merged.getDuration("linger-timeout"),
        http.getInt("io-threads"));
  }

  /** From {@code pushgate.api} on the configured {@code host} and {@code port}. */
  public static ApiListenerSettings fromConfig(Config config) {
    return fromConfig(
        config, config.getString("pushgate.api.host"), config.getInt("pushgate.api.port"));
  }
}
