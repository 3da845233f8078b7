package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Migrations on the local PostgreSQL's shared {@code test} database (possibly migrated before). */
class PostgresMigrationIT {

  private final DatabaseSettings settings = Postgres.settings();

  @Test
  void migratesToVersionOneAndIsIdempotent() throws SQLException {
    assertEquals("1", SchemaMigrator.migrate(settings).schemaVersion());
    SchemaMigrator.Result again = SchemaMigrator.migrate(settings);
    assertEquals(List.of(), again.applied());
    assertEquals("1", again.schemaVersion());
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
    SchemaMigrator.migrate(settings);
    String base = "session|demo:case-" + UUID.randomUUID();
    try (Connection c = connect()) {
      try {
        insertSnapshot(c, base + "-alice");
        insertSnapshot(c, base + "-ALICE");
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?")) {
          s.setString(1, base + "-alice");
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getInt(1));
          }
        }
      } finally {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM snapshot WHERE persistence_id LIKE ?")) {
          s.setString(1, base + "%");
          s.executeUpdate();
        }
      }
    }
  }

  private static void insertSnapshot(Connection c, String persistenceId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot_ser_id,"
                + " snapshot_ser_manifest, snapshot_payload) VALUES (?, 1, 0, 0, '', ?)")) {
      s.setString(1, persistenceId);
      s.setBytes(2, new byte[] {1});
      s.executeUpdate();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }
}
