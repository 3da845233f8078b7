package io.pushgate.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.persistence.JournalKind;
import io.pushgate.persistence.JournalStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pushgate.journal = cassandra}: settings from config, and the plugin and driver config they
 * imply.
 */
class CassandraJournalConfigTest {

  private static Config withCassandra(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void jdbcIsTheDefaultJournal() {
    assertEquals(JournalKind.JDBC, JournalKind.fromConfig(ConfigFactory.load()));
    assertTrue(JournalStore.fromConfig(ConfigFactory.load()).embedded(), "embedded H2 by default");
    assertThrows(IllegalArgumentException.class, () -> JournalKind.parse("mongo"));
  }

  @Test
  void defaultsAreOneLocalNodeAtLocalQuorum() {
    CassandraSettings s = CassandraSettings.fromConfig(ConfigFactory.load());
    assertEquals(List.of("127.0.0.1:9042"), s.contactPoints());
    assertEquals("datacenter1", s.localDatacenter());
    assertEquals("pushgate", s.keyspace());
    assertEquals("LOCAL_QUORUM", s.writeConsistency());
    assertEquals("LOCAL_QUORUM", s.readConsistency());
    assertTrue(s.migrate());
  }

  @Test
  void selectsThePluginsAndPutsJournalAndSnapshotsInOneKeyspaceAtTheConfiguredConsistency() {
    Config config =
        withCassandra(
            Map.of(
                "pushgate.journal", "cassandra",
                "pushgate.cassandra.contact-points", " 10.0.0.1:9042, 10.0.0.2:9042 ",
                "pushgate.cassandra.keyspace", "push_eu",
                "pushgate.cassandra.replication-factor", 3,
                "pushgate.cassandra.read-consistency", "quorum"));
    JournalStore store = JournalStore.fromConfig(config);
    assertFalse(store.embedded());
    Config full = store.overlay().withFallback(config).resolve();
    assertEquals(
        "pekko.persistence.cassandra.journal", full.getString("pekko.persistence.journal.plugin"));
    assertEquals(
        "pekko.persistence.cassandra.snapshot",
        full.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals("push_eu", full.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertEquals("push_eu", full.getString("pekko.persistence.cassandra.snapshot.keyspace"));
    assertEquals(3, full.getInt("pekko.persistence.cassandra.journal.replication-factor"));
    assertFalse(full.getBoolean("pekko.persistence.cassandra.events-by-tag.enabled"));
    assertFalse(full.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate"));
    assertEquals(
        List.of("10.0.0.1:9042", "10.0.0.2:9042"),
        full.getStringList("datastax-java-driver.basic.contact-points"));
    // snapshots at the same levels as events: the plugin's own snapshot profile says ONE
    assertEquals(
        CassandraJournalConfig.WRITE_PROFILE,
        full.getString("pekko.persistence.cassandra.snapshot.write-profile"));
    assertEquals(
        CassandraJournalConfig.READ_PROFILE,
        full.getString("pekko.persistence.cassandra.snapshot.read-profile"));
    assertEquals(
        CassandraJournalConfig.READ_PROFILE,
        full.getString("pekko.persistence.cassandra.read-profile"));
    assertEquals(
        "LOCAL_QUORUM",
        full.getString(
            "datastax-java-driver.profiles."
                + CassandraJournalConfig.WRITE_PROFILE
                + ".basic.request.consistency"));
    assertEquals(
        "QUORUM",
        full.getString(
            "datastax-java-driver.profiles."
                + CassandraJournalConfig.READ_PROFILE
                + ".basic.request.consistency"));
    assertFalse(full.hasPath("datastax-java-driver.advanced.auth-provider.username"));
    assertFalse(full.hasPath("datastax-java-driver.advanced.ssl-engine-factory.truststore-path"));
  }

  @Test
  void credentialsAndTlsReachTheDriver() {
    Config config =
        withCassandra(
            Map.of(
                "pushgate.journal", "cassandra",
                "pushgate.cassandra.username", "pushgate",
                "pushgate.cassandra.password", "secret",
                "pushgate.cassandra.truststore", "/etc/pushgate/cassandra-ca.p12",
                "pushgate.cassandra.truststore-password", "changeit"));
    Config full = JournalStore.fromConfig(config).overlay().withFallback(config).resolve();
    assertEquals(
        "PlainTextAuthProvider",
        full.getString("datastax-java-driver.advanced.auth-provider.class"));
    assertEquals(
        "pushgate", full.getString("datastax-java-driver.advanced.auth-provider.username"));
    assertEquals("secret", full.getString("datastax-java-driver.advanced.auth-provider.password"));
    assertEquals(
        "DefaultSslEngineFactory",
        full.getString("datastax-java-driver.advanced.ssl-engine-factory.class"));
    assertEquals(
        "/etc/pushgate/cassandra-ca.p12",
        full.getString("datastax-java-driver.advanced.ssl-engine-factory.truststore-path"));
    assertFalse(
        JournalStore.fromConfig(config).describe().contains("secret"), "credentials in a log line");
  }

  @Test
  void badSettingsAreRefusedWithTheKeyInTheMessage() {
    IllegalArgumentException keyspace =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CassandraSettings.fromConfig(
                    withCassandra(Map.of("pushgate.cassandra.keyspace", "push-eu"))));
    assertTrue(
        keyspace.getMessage().contains("pushgate.cassandra.keyspace"), keyspace.getMessage());
    IllegalArgumentException consistency =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CassandraSettings.fromConfig(
                    withCassandra(Map.of("pushgate.cassandra.write-consistency", "MOST"))));
    assertTrue(consistency.getMessage().contains("MOST"), consistency.getMessage());
    IllegalArgumentException topology =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CassandraSettings.fromConfig(
                    withCassandra(
                        Map.of("pushgate.cassandra.replication", "NetworkTopologyStrategy"))));
    assertTrue(topology.getMessage().contains("datacenter-replication"), topology.getMessage());
  }
}
