package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** What every database's migrations must do, shared by the MariaDB and PostgreSQL migration ITs. */
final class MigrationChecks {

  private MigrationChecks() {}

  /** Migrating brings the schema to version 1, and migrating again applies nothing. */
  static void migratesToVersionOneAndIsIdempotent(DatabaseSettings settings) {
    assertEquals("1", SchemaMigrator.migrate(settings).schemaVersion());
    SchemaMigrator.Result again = SchemaMigrator.migrate(settings);
    assertEquals(List.of(), again.applied());
    assertEquals("1", again.schemaVersion());
  }

  /**
   * User ids are case-sensitive, so persistence ids that differ only in case must be two rows (two
   * sessions) in a migrated database. Removes its rows.
   */
  static void persistenceIdsAreCaseSensitive(DatabaseSettings settings) throws SQLException {
    SchemaMigrator.migrate(settings);
    String base = "session|demo:case-" + UUID.randomUUID();
    try (Connection c =
        DriverManager.getConnection(settings.url(), settings.user(), settings.password())) {
      try {
        insertSnapshot(c, base + "-alice");
        insertSnapshot(c, base + "-ALICE"); // a duplicate key under a case-insensitive collation
        try (PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?")) {
          s.setString(1, base + "-alice");
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getInt(1));
          }
        }
      } finally {
        try (PreparedStatement s =
            c.prepareStatement("DELETE FROM snapshot WHERE persistence_id LIKE ?")) {
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
}
