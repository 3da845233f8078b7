package io.pushgate.persistence;

import com.typesafe.config.Config;
import io.pushgate.persistence.cassandra.CassandraJournalConfig;
import io.pushgate.persistence.cassandra.CassandraSchema;
import io.pushgate.persistence.cassandra.CassandraSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The store behind the journal and snapshots of every entity, as {@code pushgate.journal} says: the
 * one entry point a node needs to configure, migrate and describe it.
 *
 * <p>Order of use: {@link #prepare} (blocking, before the actor system exists), the actor system on
 * {@code overlay().withFallback(config)}, then {@link #migrate} before any entity starts.
 */
public sealed interface JournalStore {

  /** The store {@code config} (a full config) selects. */
  static JournalStore fromConfig(Config config) {
    return switch (JournalKind.fromConfig(config)) {
      case JDBC -> new Jdbc(DatabaseSettings.fromConfig(config));
      case CASSANDRA -> new Cassandra(CassandraSettings.fromConfig(config));
    };
  }

  /** Whether the store lives inside this node's process (embedded H2): then one node only. */
  boolean embedded();

  /** The Pekko and driver configuration of the store; it takes precedence over the node's. */
  Config overlay();

  /** Work before the actor system exists (blocking): the JDBC schema migration. */
  void prepare();

  /** Work once the actor system exists and before any entity starts: the Cassandra schema. */
  CompletionStage<Done> migrate(ActorSystem<?> system);

  /** Where the store is, for logs (no credentials). */
  String describe();

  /**
   * pekko-persistence-jdbc on {@code pushgate.db}; the schema is migrated by Flyway in {@link
   * #prepare}.
   */
  record Jdbc(DatabaseSettings database) implements JournalStore {
    @Override
    public boolean embedded() {
      return database.kind() == DatabaseKind.H2;
    }

    @Override
    public Config overlay() {
      return JournalConfig.forDatabase(database);
    }

    @Override
    public void prepare() {
      SchemaMigrator.migrate(database);
    }

    @Override
    public CompletionStage<Done> migrate(ActorSystem<?> system) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public String describe() {
      return database.redactedUrl();
    }
  }

  /**
   * pekko-persistence-cassandra on {@code pushgate.cassandra}; keyspace and tables are created in
   * {@link #migrate} unless {@code migrate} is off. The migration fails when Cassandra has not
   * answered within {@code migrate-timeout}.
   */
  record Cassandra(CassandraSettings cassandra) implements JournalStore {
    @Override
    public boolean embedded() {
      return false;
    }

    @Override
    public Config overlay() {
      return CassandraJournalConfig.forSettings(cassandra);
    }

    @Override
    public void prepare() {}

    @Override
    public CompletionStage<Done> migrate(ActorSystem<?> system) {
      if (!cassandra.migrate()) return CompletableFuture.completedFuture(Done.getInstance());
      return CassandraSchema.migrate(system)
          .toCompletableFuture()
          .orTimeout(cassandra.migrateTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .exceptionallyCompose(
              e ->
                  CompletableFuture.failedFuture(
                      new IllegalStateException(
                          "Cassandra schema migration on " + describe() + " failed: " + e, e)));
    }

    @Override
    public String describe() {
      return "cassandra " + cassandra.describe();
    }
  }
}
