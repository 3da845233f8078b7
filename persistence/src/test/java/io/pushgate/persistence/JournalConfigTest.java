package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.persistence.journal.SingleStatementJournalDao;
import org.junit.jupiter.api.Test;

class JournalConfigTest {

  private static Config full(DatabaseSettings settings) {
    return JournalConfig.forDatabase(settings).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void selectsTheJdbcPluginsOnOneSharedDatabase() {
    Config config = full(new DatabaseSettings("jdbc:h2:mem:journal-config", "sa", "", 5, 777));
    assertEquals("jdbc-journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals(
        "jdbc-snapshot-store", config.getString("pekko.persistence.snapshot-store.plugin"));
    for (String plugin :
        new String[] {
          "jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal", "jdbc-durable-state-store"
        }) {
      assertEquals("slick", config.getString(plugin + ".use-shared-db"), plugin);
    }
    assertEquals(777, config.getInt("jdbc-journal.bufferSize"));
    assertEquals(5, config.getInt("jdbc-journal.parallelism"));
    assertEquals(400, config.getInt("jdbc-journal.batchSize"));
    assertEquals(SingleStatementJournalDao.class.getName(), config.getString("jdbc-journal.dao"));
    assertEquals(8000L, config.getBytes(SingleStatementJournalDao.MAX_BYTES_PATH));
  }

  @Test
  void journalParallelismAndBatchSizeComeFromTheSettings() {
    Config config =
        full(
            new DatabaseSettings(
                "jdbc:h2:mem:journal-config",
                "sa",
                "",
                6,
                777,
                2,
                50,
                JournalWrite.TRANSACTION,
                4096));
    assertEquals(2, config.getInt("jdbc-journal.parallelism"));
    assertEquals(50, config.getInt("jdbc-journal.batchSize"));
    assertEquals(
        "org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao",
        config.getString("jdbc-journal.dao"));
    assertEquals(4096, config.getBytes(SingleStatementJournalDao.MAX_BYTES_PATH));
  }

  @Test
  void h2Overlay() {
    Config db =
        full(new DatabaseSettings("jdbc:h2:mem:journal-config", "sa", "pw", 5, 777))
            .getConfig(JournalConfig.SHARED_DATABASE_PATH);
    assertEquals("slick.jdbc.H2Profile$", db.getString("profile"));
    assertEquals("org.h2.Driver", db.getString("db.driver"));
    assertEquals("jdbc:h2:mem:journal-config", db.getString("db.url"));
    assertEquals("sa", db.getString("db.user"));
    assertEquals("pw", db.getString("db.password"));
    assertEquals(5, db.getInt("db.numThreads"));
    assertEquals(5, db.getInt("db.maxConnections"));
    assertEquals(5, db.getInt("db.minConnections"));
    assertEquals("HikariCP", db.getString("db.connectionPool"));
  }

  @Test
  void mariaDbOverlay() {
    Config db =
        full(new DatabaseSettings("jdbc:mariadb://127.0.0.1:3306/test", "root", "", 3, 10))
            .getConfig(JournalConfig.SHARED_DATABASE_PATH);
    assertEquals("slick.jdbc.MySQLProfile$", db.getString("profile"));
    assertEquals("org.mariadb.jdbc.Driver", db.getString("db.driver"));
    assertEquals("jdbc:mariadb://127.0.0.1:3306/test", db.getString("db.url"));
    assertEquals(3, db.getInt("db.numThreads"));
  }
}
