package io.pushgate.persistence.cassandra;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Cassandra cluster the journal and snapshots go to with {@code pushgate.journal = cassandra},
 * from {@code pushgate.cassandra} (this module's reference.conf documents every key, its default
 * and its {@code PUSHGATE_CASSANDRA_*} variable).
 *
 * @param contactPoints {@code host:port} of some nodes (comma-separated in config); the driver
 *     finds the rest
 * @param localDatacenter the datacentre this node talks to (LOCAL_* consistency counts replicas in
 *     it)
 * @param keyspace one keyspace per Pushgate cluster: journal, metadata and snapshots
 * @param replication {@code SimpleStrategy} with {@code replicationFactor}, or {@code
 *     NetworkTopologyStrategy} with {@code datacenterReplication}; used when the keyspace is
 *     created
 * @param replicationFactor replicas of every row with SimpleStrategy (production: 3)
 * @param datacenterReplication {@code dc:factor} per datacentre with NetworkTopologyStrategy
 *     (comma-separated in config)
 * @param writeConsistency consistency of journal and snapshot writes (default LOCAL_QUORUM)
 * @param readConsistency consistency of recovery reads, journal and snapshots (default
 *     LOCAL_QUORUM: with quorum writes, a recovering session sees every accepted message and the
 *     newest snapshot)
 * @param username plain-text authentication user, if any
 * @param password its password; never printed
 * @param truststore a JKS/PKCS12 truststore to verify the nodes' TLS certificates; empty: no TLS
 * @param truststorePassword its password
 * @param migrate create the keyspace and tables at start if missing
 * @param migrateTimeout how long that may take (Cassandra unreachable: the node does not start)
 */
public record CassandraSettings(
    List<String> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    int replicationFactor,
    List<String> datacenterReplication,
    String writeConsistency,
    String readConsistency,
    Optional<String> username,
    String password,
    Optional<String> truststore,
    String truststorePassword,
    boolean migrate,
    Duration migrateTimeout) {

  private static final List<String> CONSISTENCIES =
      List.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
    datacenterReplication = List.copyOf(datacenterReplication);
    if (contactPoints.isEmpty())
      throw new IllegalArgumentException("pushgate.cassandra.contact-points is empty");
    if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
      throw new IllegalArgumentException(
          "pushgate.cassandra.keyspace must be a letter then letters, digits or _ (at most 48), not '"
              + keyspace
              + "'");
    }
    if (!replication.equals("SimpleStrategy") && !replication.equals("NetworkTopologyStrategy")) {
      throw new IllegalArgumentException(
          "pushgate.cassandra.replication must be SimpleStrategy or NetworkTopologyStrategy, not '"
              + replication
              + "'");
    }
    if (migrateTimeout.isNegative() || migrateTimeout.isZero()) {
      throw new IllegalArgumentException("pushgate.cassandra.migrate-timeout must be > 0");
    }
    if (replicationFactor < 1)
      throw new IllegalArgumentException("pushgate.cassandra.replication-factor must be >= 1");
    if (replication.equals("NetworkTopologyStrategy") && datacenterReplication.isEmpty()) {
      throw new IllegalArgumentException(
          "pushgate.cassandra.datacenter-replication must name each datacentre (\"dc1:3\") with NetworkTopologyStrategy");
    }
    for (String c : List.of(writeConsistency, readConsistency)) {
      if (!CONSISTENCIES.contains(c)) {
        throw new IllegalArgumentException(
            "pushgate.cassandra consistency must be one of " + CONSISTENCIES + ", not '" + c + "'");
      }
    }
  }

  /** Reads {@code pushgate.cassandra} from a full config. */
  public static CassandraSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.cassandra");
    return new CassandraSettings(
        commaList(c.getString("contact-points")),
        c.getString("local-datacenter"),
        c.getString("keyspace"),
        c.getString("replication"),
        c.getInt("replication-factor"),
        commaList(c.getString("datacenter-replication")),
        c.getString("write-consistency").toUpperCase(Locale.ROOT),
        c.getString("read-consistency").toUpperCase(Locale.ROOT),
        nonEmpty(c.getString("username")),
        c.getString("password"),
        nonEmpty(c.getString("truststore")),
        c.getString("truststore-password"),
        c.getBoolean("migrate"),
        c.getDuration("migrate-timeout"));
  }

  private static List<String> commaList(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /** For logs: contact points, datacentre and keyspace, no credentials. */
  public String describe() {
    return contactPoints + " (datacenter " + localDatacenter + ", keyspace " + keyspace + ")";
  }
}
