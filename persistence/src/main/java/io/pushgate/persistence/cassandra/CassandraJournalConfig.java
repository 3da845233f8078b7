package io.pushgate.persistence.cassandra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko and driver configuration of {@code pushgate.journal = cassandra}, built from {@link
 * CassandraSettings}: the journal and snapshot plugins of pekko-persistence-cassandra, both in the
 * one keyspace; the Cassandra Java driver's contact points, local datacentre, credentials and TLS;
 * and two request profiles of ours, {@value #WRITE_PROFILE} and {@value #READ_PROFILE}, with the
 * configured consistency levels. Snapshots use them too: the plugin's own snapshot profile reads
 * and writes at ONE, and a session whose older events were deleted after a snapshot must never
 * recover from a replica that missed the newest snapshot.
 *
 * <p>Events by tag are off (nothing reads them: no tag tables are written); the keyspace and tables
 * are never created by the plugin ({@code *-autocreate} stay false) but by {@link CassandraSchema}.
 *
 * <p>Use: {@code CassandraJournalConfig.forSettings(settings).withFallback(config).resolve()}
 * before creating the actor system.
 */
public final class CassandraJournalConfig {

  /** The plugin's configuration path. */
  public static final String PLUGIN = "pekko.persistence.cassandra";

  /** The driver profile of journal and snapshot writes (write-consistency). */
  public static final String WRITE_PROFILE = "pushgate-write";

  /** The driver profile of recovery reads (read-consistency). */
  public static final String READ_PROFILE = "pushgate-read";

  private static final String DRIVER = "datastax-java-driver";

  private CassandraJournalConfig() {}

  /** The overlay for {@code cassandra}; its values take precedence over the fallback's. */
  public static Config forSettings(CassandraSettings cassandra) {
    Map<String, Object> v = new HashMap<>();
    v.put("pekko.persistence.journal.plugin", PLUGIN + ".journal");
    v.put("pekko.persistence.snapshot-store.plugin", PLUGIN + ".snapshot");
    v.put(PLUGIN + ".events-by-tag.enabled", false);
    v.put(PLUGIN + ".read-profile", READ_PROFILE);
    v.put(PLUGIN + ".write-profile", WRITE_PROFILE);
    v.put(PLUGIN + ".query.read-profile", READ_PROFILE);
    v.put(PLUGIN + ".snapshot.read-profile", READ_PROFILE);
    v.put(PLUGIN + ".snapshot.write-profile", WRITE_PROFILE);
    for (String part : List.of("journal", "snapshot")) {
      String p = PLUGIN + "." + part + ".";
      v.put(p + "keyspace", cassandra.keyspace());
      v.put(p + "keyspace-autocreate", false);
      v.put(p + "tables-autocreate", false);
      v.put(p + "replication-strategy", cassandra.replication());
      v.put(p + "replication-factor", cassandra.replicationFactor());
      v.put(p + "data-center-replication-factors", cassandra.datacenterReplication());
    }
    v.put(DRIVER + ".basic.contact-points", cassandra.contactPoints());
    v.put(DRIVER + ".basic.load-balancing-policy.local-datacenter", cassandra.localDatacenter());
    v.put(DRIVER + ".advanced.reconnect-on-init", true);
    profile(v, WRITE_PROFILE, cassandra.writeConsistency());
    profile(v, READ_PROFILE, cassandra.readConsistency());
    cassandra
        .username()
        .ifPresent(
            user -> {
              v.put(DRIVER + ".advanced.auth-provider.class", "PlainTextAuthProvider");
              v.put(DRIVER + ".advanced.auth-provider.username", user);
              v.put(DRIVER + ".advanced.auth-provider.password", cassandra.password());
            });
    cassandra
        .truststore()
        .ifPresent(
            path -> {
              v.put(DRIVER + ".advanced.ssl-engine-factory.class", "DefaultSslEngineFactory");
              v.put(DRIVER + ".advanced.ssl-engine-factory.truststore-path", path);
              v.put(
                  DRIVER + ".advanced.ssl-engine-factory.truststore-password",
                  cassandra.truststorePassword());
              v.put(DRIVER + ".advanced.ssl-engine-factory.hostname-validation", true);
            });
    return ConfigFactory.parseMap(v, "pushgate.cassandra");
  }

  private static void profile(Map<String, Object> v, String name, String consistency) {
    String p = DRIVER + ".profiles." + name + ".basic.request.";
    v.put(p + "consistency", consistency);
    // the journal and the snapshot store write neither counters nor collections: retries are safe
    v.put(p + "default-idempotence", true);
  }
}
