package io.pushgate.gateway;

import com.typesafe.config.Config;
import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client ports' TLS context, reloaded without a restart when its files change ({@code
 * pushgate.gateway.tls.reload-interval}): every interval the node compares the files' modification
 * times and sizes with those it loaded; on a change it builds a new context ({@link GatewayTls})
 * and new connections get it, while open connections keep the one they were made with. A file that
 * cannot be read (half-written, wrong password) keeps the old context and is logged; the next
 * change is tried again.
 *
 * <p>Thread-safe: {@link #current()} is a volatile read; {@link #reloadIfChanged()} reads files
 * (blocking I/O: call it on a blocking dispatcher) and is serialized.
 */
public final class ReloadingTls {

  private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);

  private final Config config;
  private final List<File> files;
  private volatile SslContext current;
  private String loadedStamp;

  private ReloadingTls(Config config, SslContext first) {
    this.config = config;
    Config c = config.getConfig("pushgate.gateway.tls");
    this.files =
        Stream.of("keystore", "certificate", "private-key")
            .map(key -> c.getString(key).trim())
            .filter(path -> !path.isEmpty())
            .map(File::new)
            .toList();
    this.current = first;
    this.loadedStamp = stamp();
  }

  /**
   * @return empty when {@code tls.enabled} is false
   * @throws IllegalArgumentException as {@link GatewayTls#fromConfig}
   */
  public static Optional<ReloadingTls> fromConfig(Config config) {
    return GatewayTls.fromConfig(config).map(first -> new ReloadingTls(config, first));
  }

  /** The context for a new connection. */
  public SslContext current() {
    return current;
  }

  /**
   * Loads the files again if they changed since the last load.
   *
   * @return true if a new context is in use
   */
  public synchronized boolean reloadIfChanged() {
    String stamp = stamp();
    if (stamp.equals(loadedStamp)) return false;
    try {
      current = GatewayTls.fromConfig(config).orElseThrow();
      loadedStamp = stamp;
      log.info("TLS certificate reloaded from {}; new connections use it", files);
      return true;
    } catch (IllegalArgumentException e) {
      log.error(
          "TLS files changed but cannot be used; keeping the certificate in use: {}",
          e.getMessage());
      return false;
    }
  }

  /** Modification time and size of every configured file. */
  private String stamp() {
    StringBuilder sb = new StringBuilder();
    for (File f : files) sb.append(f.lastModified()).append('/').append(f.length()).append(';');
    return sb.toString();
  }
}
