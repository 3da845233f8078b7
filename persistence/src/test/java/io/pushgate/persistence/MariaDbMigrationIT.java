package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Migrations on the local MariaDB's shared {@code test} database (possibly migrated before). */
class MariaDbMigrationIT {

  private final DatabaseSettings settings = MariaDb.settings();

  @Test
  void migratesToVersionOneAndIsIdempotent() throws SQLException {
    MigrationChecks.migratesToVersionOneAndIsIdempotent(settings);

    Map<String, String> collationByTable = new HashMap<>();
    try (Connection c = connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT TABLE_NAME, TABLE_COLLATION, ENGINE FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = 'test'"
                        + " AND TABLE_NAME IN ('event_journal', 'event_tag', 'snapshot')")) {
      while (rs.next()) {
        collationByTable.put(rs.getString(1), rs.getString(2));
        assertEquals("InnoDB", rs.getString(3), rs.getString(1));
      }
    }
    assertEquals(
        Map.of(
            "event_journal", "utf8mb4_bin", "event_tag", "utf8mb4_bin", "snapshot", "utf8mb4_bin"),
        collationByTable);
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
