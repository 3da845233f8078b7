package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {

  private static Config withDb(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void defaultsToEmbeddedH2UnderData() {
    // The reference defaults; PUSHGATE_DB_* are not set when the build runs the tests.
    DatabaseSettings settings = DatabaseSettings.fromConfig(withDb(""));
    if (System.getenv("PUSHGATE_DB_URL") == null) {
      assertTrue(settings.url().startsWith("jdbc:h2:file:./data/pushgate;"), settings.url());
      assertTrue(settings.url().contains("DB_CLOSE_ON_EXIT=FALSE"), settings.url());
      assertEquals(DatabaseKind.H2, settings.kind());
    }
    assertEquals(20, settings.poolSize());
    assertEquals(50_000, settings.journalBufferSize());
  }

  @Test
  void readsOverrides() {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            withDb(
                "pushgate.db { url = \"jdbc:mariadb://db:3306/pushgate\", user = app, password = s3cret,"
                    + " pool-size = 7, journal-buffer-size = 1234 }"));
    assertEquals(DatabaseKind.MARIADB, settings.kind());
    assertEquals("app", settings.user());
    assertEquals("s3cret", settings.password());
    assertEquals(7, settings.poolSize());
    assertEquals(1234, settings.journalBufferSize());
  }

  @Test
  void refusesMysqlUrlsWithTheFix() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DatabaseSettings.fromConfig(
                    withDb("pushgate.db.url = \"jdbc:mysql://127.0.0.1:3306/test\"")));
    assertTrue(e.getMessage().contains("jdbc:mariadb://"), e.getMessage());
  }

  @Test
  void postgresqlUrlsSelectPostgresql() {
    assertEquals(
        DatabaseKind.POSTGRESQL, DatabaseKind.fromUrl("jdbc:postgresql://localhost:5432/pushgate"));
    assertEquals("slick.jdbc.PostgresProfile$", DatabaseKind.POSTGRESQL.slickProfile());
  }

  @Test
  void refusesOtherDatabases() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DatabaseKind.fromUrl("jdbc:oracle:thin:@localhost:1521/pushgate"));
    assertTrue(e.getMessage().contains("jdbc:oracle:"), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DatabaseKind.fromUrl(""));
  }

  @Test
  void refusesSizesBelowOne() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 0, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 1, 0));
  }

  @Test
  void journalParallelismIsCappedAtThePool() {
    assertEquals(
        4,
        new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 4, 10, 5, 400, JournalWrite.STATEMENT, 1024)
            .effectiveJournalParallelism());
    assertEquals(
        2,
        new DatabaseSettings("jdbc:h2:mem:x", "sa", "", 4, 10, 2, 400, JournalWrite.STATEMENT, 1024)
            .effectiveJournalParallelism());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DatabaseSettings(
                    "jdbc:h2:mem:x", "sa", "", 4, 10, 0, 400, JournalWrite.STATEMENT, 1024));
    assertTrue(e.getMessage().contains("journal-parallelism"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DatabaseSettings(
                "jdbc:h2:mem:x", "sa", "", 4, 10, 4, 0, JournalWrite.STATEMENT, 1024));
  }

  @Test
  void defaultsFromReferenceConf() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(ConfigFactory.load());
    assertEquals(8, settings.journalParallelism());
    assertEquals(400, settings.journalBatchSize());
    assertEquals(JournalWrite.STATEMENT, settings.journalWrite());
    assertEquals(8000, settings.journalStatementMaxBytes());
  }

  @Test
  void journalWriteIsStatementOrTransaction() {
    assertEquals(JournalWrite.TRANSACTION, JournalWrite.parse(" Transaction "));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JournalWrite.parse("batch"));
    assertTrue(e.getMessage().contains("pushgate.db.journal-write"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DatabaseSettings(
                "jdbc:h2:mem:x", "sa", "", 4, 10, 4, 400, JournalWrite.STATEMENT, 0));
  }

  @Test
  void neverPrintsThePassword() {
    DatabaseSettings settings =
        new DatabaseSettings("jdbc:mariadb://db/x?user=a&password=urlpw", "a", "fieldpw", 1, 1);
    assertFalse(settings.toString().contains("fieldpw"), settings.toString());
    assertFalse(settings.toString().contains("urlpw"), settings.toString());
    assertFalse(settings.redactedUrl().contains("urlpw"), settings.redactedUrl());
  }
}
