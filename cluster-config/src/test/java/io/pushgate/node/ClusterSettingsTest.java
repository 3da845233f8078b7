package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.persistence.DatabaseSettings;
import io.pushgate.persistence.JournalStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  private static final JournalStore H2 =
      new JournalStore.Jdbc(new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 2, 100));
  private static final JournalStore MARIADB =
      new JournalStore.Jdbc(
          new DatabaseSettings("jdbc:mariadb://127.0.0.1:3306/test", "root", "", 2, 100));

  @Test
  void defaultIsASingleNodeWithEveryRole() {
    ClusterSettings settings = ClusterSettings.fromConfig(ConfigFactory.load());
    assertFalse(settings.multiNode());
    assertEquals(Set.of("gateway", "session"), settings.roles());
    Config applied = settings.applyTo(ConfigFactory.load(), H2);
    assertEquals(List.of(), applied.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("gateway", "session"), applied.getStringList("pekko.cluster.roles"));
  }

  @Test
  void seedNodesAndRolesComeFromCommaSeparatedLists() {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pushgate.cluster.seed-nodes",
                        " pekko://pushgate@10.0.0.1:25520, pekko://pushgate@10.0.0.2:25520 ",
                    "pushgate.cluster.roles", "gateway"))
            .withFallback(ConfigFactory.load());
    ClusterSettings settings = ClusterSettings.fromConfig(config);
    assertTrue(settings.multiNode());
    assertFalse(settings.has(ClusterSettings.ROLE_SESSION));
    Config applied = settings.applyTo(config, MARIADB);
    assertEquals(
        List.of("pekko://pushgate@10.0.0.1:25520", "pekko://pushgate@10.0.0.2:25520"),
        applied.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("gateway"), applied.getStringList("pekko.cluster.roles"));
  }

  @Test
  void clusterModeRefusesEmbeddedH2WithAClearMessage() {
    ClusterSettings settings =
        new ClusterSettings(List.of("pekko://pushgate@10.0.0.1:25520"), Set.of("session"));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> settings.applyTo(ConfigFactory.empty(), H2));
    assertTrue(refused.getMessage().contains("needs a shared database"), refused.getMessage());
  }

  @Test
  void unknownRoleIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ClusterSettings(List.of(), Set.of("gateway", "bogus")));
  }
}
