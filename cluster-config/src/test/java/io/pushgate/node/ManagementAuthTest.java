package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagementAuthTest {

  private static Config config(String host, String user, String password) {
    return ConfigFactory.parseString(
        "pekko.management.http.hostname = \""
            + host
            + "\"\n"
            + "pushgate.management.auth { user = \""
            + user
            + "\", password = \""
            + password
            + "\" }");
  }

  @Test
  void loopbackWithoutCredentialsIsAllowedAndOpen() {
    assertFalse(ManagementAuth.fromConfig(config("127.0.0.1", "", "")).enabled());
    assertFalse(ManagementAuth.fromConfig(config("localhost", "", "")).enabled());
    assertFalse(ManagementAuth.fromConfig(config("::1", "", "")).enabled());
  }

  @Test
  void beyondLoopbackWithoutCredentialsRefusesToStart() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ManagementAuth.fromConfig(config("0.0.0.0", "", "")));
    assertTrue(e.getMessage().contains("PUSHGATE_MANAGEMENT_USER"), e.getMessage());
    assertThrows(
        IllegalStateException.class, () -> ManagementAuth.fromConfig(config("10.1.2.3", "", "")));
  }

  @Test
  void credentialsMustBeCompleteAndLongEnough() {
    assertThrows(
        IllegalStateException.class, () -> ManagementAuth.fromConfig(config("0.0.0.0", "ops", "")));
    assertThrows(
        IllegalStateException.class,
        () -> ManagementAuth.fromConfig(config("0.0.0.0", "ops", "short")));
    assertTrue(
        ManagementAuth.fromConfig(config("0.0.0.0", "ops", "a-long-operator-secret")).enabled());
  }

  @Test
  void onlyTheConfiguredCredentialIsAccepted() throws Exception {
    ManagementAuth auth =
        ManagementAuth.fromConfig(config("127.0.0.1", "ops", "a-long-operator-secret"));
    assertEquals(Optional.empty(), auth.authenticate(Optional.empty()).toCompletableFuture().get());
  }
}
