package io.pushgate.persistence.cassandra;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal's keyspace and tables when they are missing: the statements of the plugin
 * version on the classpath (its {@link KeyspaceAndTableStatements}, so the schema always matches
 * what the plugin reads and writes), each {@code IF NOT EXISTS}, one after another, each waiting
 * for schema agreement across the Cassandra cluster (at most {@link #DDL_TIMEOUT} each). Run by the
 * node before any entity starts, with {@code pushgate.cassandra.migrate = on}.
 *
 * <p>Cassandra 5.0 does not coordinate schema changes made at the same moment from several clients:
 * for a new keyspace, start one node first (or run the migration once, as docs/operations.md says)
 * before the others, which then find every table and change nothing.
 */
public final class CassandraSchema {

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);

  /** The longest one statement may take, schema agreement included. */
  static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private CassandraSchema() {}

  /** The statements, in order: journal keyspace and tables, then the snapshot table. */
  public static List<String> statements(ActorSystem<?> system) {
    KeyspaceAndTableStatements s =
        new KeyspaceAndTableStatements(
            system, CassandraJournalConfig.PLUGIN, PluginSettings.apply(system.classicSystem()));
    List<String> all = new ArrayList<>();
    all.add(s.createJournalKeyspaceStatement());
    all.addAll(s.getCreateJournalTablesStatements());
    all.add(s.createSnapshotKeyspaceStatement());
    all.addAll(s.getCreateSnapshotTablesStatements());
    return all;
  }

  /** Runs {@link #statements}; the stage fails with the first statement that fails. */
  public static CompletionStage<Done> migrate(ActorSystem<?> system) {
    CassandraSession session =
        CassandraSessionRegistry.get(system)
            .sessionFor(CassandraSessionSettings.create(CassandraJournalConfig.PLUGIN));
    List<String> statements = statements(system);
    CompletionStage<Done> done = CompletableFuture.completedFuture(Done.getInstance());
    for (String statement : statements) {
      // a schema change waits for every node to agree: far longer than a write's 2 s on a busy
      // cluster
      SimpleStatement ddl = SimpleStatement.newInstance(statement).setTimeout(DDL_TIMEOUT);
      done = done.thenCompose(d -> session.executeWrite(ddl));
    }
    return done.whenComplete(
        (d, error) -> {
          if (error == null)
            log.info(
                "Cassandra schema is up to date ({} statements, each IF NOT EXISTS)",
                statements.size());
        });
  }
}
