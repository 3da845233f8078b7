package io.pushgate.gateway;

import com.typesafe.config.Config;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for the client port (wss://), from {@code pushgate.gateway.tls} (reference.conf): a PEM
 * certificate chain and PKCS#8 private key, or a PKCS#12 keystore. Read once at start; a
 * certificate that cannot be read stops the node with the key named. Netty's {@link SslContext}
 * (the JDK provider; TLS 1.2 and 1.3).
 */
public final class GatewayTls {

  private GatewayTls() {}

  /**
   * @return empty when {@code tls.enabled} is false
   * @throws IllegalArgumentException naming the key, if the files are missing or unreadable
   */
  public static Optional<SslContext> fromConfig(Config config) {
    return fromConfig(config, null);
  }

  /**
   * The same key material as a JDK {@link SSLContext}, for servers that are not Netty's own (the
   * gRPC API port serves the client ports' certificate).
   *
   * @return empty when {@code tls.enabled} is false
   */
  public static Optional<SSLContext> jdkContextFromConfig(Config config) {
    return fromConfig(config, SslProvider.JDK).map(context -> ((JdkSslContext) context).context());
  }

  private static Optional<SslContext> fromConfig(Config config, SslProvider provider) {
    Config c = config.getConfig("pushgate.gateway.tls");
    if (!c.getBoolean("enabled")) return Optional.empty();
    String prefix = "pushgate.gateway.tls.";
    String keystore = c.getString("keystore").trim();
    String certificate = c.getString("certificate").trim();
    String key = c.getString("private-key").trim();
    try {
      if (!keystore.isEmpty()) {
        char[] password = c.getString("keystore-password").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(readable(prefix + "keystore", keystore))) {
          store.load(in, password);
        }
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        return Optional.of(SslContextBuilder.forServer(keys).sslProvider(provider).build());
      }
      if (certificate.isEmpty() || key.isEmpty()) {
        throw new IllegalArgumentException(
            prefix
                + "enabled is true: set keystore (PKCS#12), or certificate and private-key (PEM)");
      }
      String password = c.getString("private-key-password");
      return Optional.of(
          SslContextBuilder.forServer(
                  readable(prefix + "certificate", certificate),
                  readable(prefix + "private-key", key),
                  password.isEmpty() ? null : password)
              .sslProvider(provider)
              .build());
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException(
          prefix
              + (keystore.isEmpty() ? "certificate / private-key" : "keystore")
              + ": cannot be used: "
              + e.getMessage(),
          e);
    }
  }

  private static File readable(String key, String path) {
    File file = new File(path);
    if (!file.canRead())
      throw new IllegalArgumentException(key + ": cannot read " + file.getAbsolutePath());
    return file;
  }
}
