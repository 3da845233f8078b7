package io.pushgate.node;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.directives.SecurityDirectives.ProvidedCredentials;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Operator authentication on the management port (cluster HTTP with PUT/DELETE on members, /ready,
 * /alive): HTTP Basic with one operator credential from {@code pushgate.management.auth} ({@code
 * PUSHGATE_MANAGEMENT_USER} / {@code PUSHGATE_MANAGEMENT_PASSWORD}).
 *
 * <ul>
 *   <li>Credentials configured: every management route needs them (401 otherwise), wherever the
 *       port is bound. Health probes then send the same Basic header.
 *   <li>None configured: allowed only while the port is bound to a loopback address; a node bound
 *       elsewhere (e.g. {@code 0.0.0.0} for a multi-host cluster) refuses to start.
 * </ul>
 *
 * The password must have at least {@link #MIN_PASSWORD_LENGTH} characters; it is compared in
 * constant time (Pekko HTTP's {@code ProvidedCredentials.verify}).
 */
public final class ManagementAuth {

  static final int MIN_PASSWORD_LENGTH = 12;

  private final String user;
  private final String password;

  private ManagementAuth(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /**
   * Reads and checks the settings.
   *
   * @throws IllegalStateException when the management port is not on loopback and no credentials
   *     are configured, or when the credentials are incomplete or too weak
   */
  static ManagementAuth fromConfig(Config config) {
    String host = config.getString("pekko.management.http.hostname");
    Config c = config.getConfig("pushgate.management.auth");
    String user = c.getString("user");
    String password = c.getString("password");
    if (user.isEmpty() != password.isEmpty()) {
      throw new IllegalStateException(
          "pushgate.management.auth needs both user and password (PUSHGATE_MANAGEMENT_USER, PUSHGATE_MANAGEMENT_PASSWORD)");
    }
    if (user.isEmpty()) {
      if (!isLoopback(host)) {
        throw new IllegalStateException(
            "the management port is bound to "
                + host
                + ", beyond loopback, without operator credentials: set "
                + "PUSHGATE_MANAGEMENT_USER and PUSHGATE_MANAGEMENT_PASSWORD (docs/operations.md), or bind it to 127.0.0.1");
      }
      return new ManagementAuth(null, null);
    }
    if (password.length() < MIN_PASSWORD_LENGTH) {
      throw new IllegalStateException(
          "PUSHGATE_MANAGEMENT_PASSWORD must have at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    return new ManagementAuth(user, password);
  }

  /** Whether {@code config} has an operator credential (the web console needs one). */
  public static boolean configured(Config config) {
    return !config.getString("pushgate.management.auth.user").isEmpty();
  }

  boolean enabled() {
    return user != null;
  }

  /** Adds the authenticator to the management routes, if credentials are configured. */
  ManagementRouteProviderSettings applyTo(ManagementRouteProviderSettings settings) {
    return enabled() ? settings.withAuth(this::authenticate) : settings;
  }

  CompletionStage<Optional<String>> authenticate(Optional<ProvidedCredentials> credentials) {
    boolean ok =
        credentials.isPresent()
            && credentials.get().identifier().equals(user)
            && credentials.get().verify(password);
    return CompletableFuture.completedFuture(ok ? Optional.of(user) : Optional.empty());
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
