package io.pushgate.node.health;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.pushgate.persistence.cassandra.CassandraJournalConfig;
import io.pushgate.persistence.cassandra.CassandraSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * The Cassandra journal's probe: one read of a single partition of the journal's metadata table at
 * the journal's write consistency, through the plugin's own session. It fails when too few replicas
 * of that partition answer for a write to succeed (with RF 3 on three nodes: two of them down), so
 * {@code /ready} turns 503 exactly when sends would fail.
 */
final class CassandraJournalProbe implements JournalProbe {

  private final CassandraSettings cassandra;
  private final CassandraSession session;
  private final SimpleStatement statement;

  CassandraJournalProbe(ActorSystem<?> system, CassandraSettings cassandra) {
    this.cassandra = cassandra;
    this.session =
        CassandraSessionRegistry.get(system)
            .sessionFor(CassandraSessionSettings.create(CassandraJournalConfig.PLUGIN));
    this.statement =
        SimpleStatement.newInstance(
                "SELECT persistence_id FROM "
                    + cassandra.keyspace()
                    + ".metadata WHERE persistence_id = ?",
                "pushgate-health-probe")
            .setExecutionProfileName(CassandraJournalConfig.WRITE_PROFILE);
  }

  @Override
  public void probe(Duration timeout) throws Exception {
    session
        .selectOne(statement.setTimeout(timeout))
        .toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void reset() {
    // the driver reconnects by itself
  }

  @Override
  public String describe() {
    return cassandra.describe();
  }
}
