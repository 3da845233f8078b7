package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Migrations on an embedded H2 file under target/. */
class SchemaMigratorTest {

  private static DatabaseSettings freshH2File() {
    Path file =
        Path.of("target", "h2-migrator", UUID.randomUUID().toString(), "pushgate").toAbsolutePath();
    return new DatabaseSettings(
        "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 2, 100);
  }

  @Test
  void migratesOnceThenIsUpToDate() throws SQLException {
    DatabaseSettings settings = freshH2File();

    SchemaMigrator.Result first = SchemaMigrator.migrate(settings);
    assertEquals(List.of("1"), first.applied());
    assertEquals("1", first.schemaVersion());

    SchemaMigrator.Result second = SchemaMigrator.migrate(settings);
    assertEquals(List.of(), second.applied());
    assertEquals("1", second.schemaVersion());

    List<String> tables = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      while (rs.next()) tables.add(rs.getString(1));
    }
    assertTrue(
        tables.containsAll(List.of("event_journal", "event_tag", "snapshot")), tables.toString());
    assertTrue(tables.contains(SchemaMigrator.HISTORY_TABLE), tables.toString());
  }

  @Test
  void failsWithTheUrlWhenTheDatabaseIsUnreachable() {
    DatabaseSettings settings =
        new DatabaseSettings(
            "jdbc:mariadb://127.0.0.1:1/nothing?connectTimeout=2000", "u", "secret", 1, 1);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> SchemaMigrator.migrate(settings));
    assertTrue(e.getMessage().contains("127.0.0.1:1/nothing"), e.getMessage());
  }
}
