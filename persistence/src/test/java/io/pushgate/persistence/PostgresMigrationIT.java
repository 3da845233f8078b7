package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Migrations on the local PostgreSQL's shared {@code test} database (possibly migrated before). */
class PostgresMigrationIT {

  private final DatabaseSettings settings = Postgres.settings();

  @Test
  void migratesToVersionOneAndIsIdempotent() throws SQLException {
    MigrationChecks.migratesToVersionOneAndIsIdempotent(settings);
    try (Connection c = connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                        + " AND table_name IN ('event_journal', 'event_tag', 'snapshot')")) {
      rs.next();
      assertEquals(3, rs.getInt(1));
    }
  }

  /** User ids are case-sensitive, so persistence ids that differ only in case are two sessions. */
  @Test
  void persistenceIdsAreCaseSensitive() throws SQLException {
    MigrationChecks.persistenceIdsAreCaseSensitive(settings);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }
}
