package io.pushgate.node.health;

import io.pushgate.persistence.DatabaseKind;
import io.pushgate.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Properties;

/**
 * The JDBC journal's probe: one kept connection, validated with a bounded ping; reconnected when
 * that fails.
 */
final class JdbcJournalProbe implements JournalProbe {

  private final DatabaseSettings database;
  private Connection connection;

  JdbcJournalProbe(DatabaseSettings database) {
    this.database = database;
  }

  @Override
  public void probe(Duration timeout) throws Exception {
    int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    if (connection == null || !connection.isValid(seconds)) {
      reset();
      Properties props = new Properties();
      props.setProperty("user", database.user());
      props.setProperty("password", database.password());
      // bound the connect and every read: MariaDB Connector/J takes milliseconds, PostgreSQL's
      // driver seconds (H2 ignores both)
      String bound =
          database.kind() == DatabaseKind.POSTGRESQL
              ? Integer.toString(seconds)
              : Long.toString(timeout.toMillis());
      props.setProperty("connectTimeout", bound);
      props.setProperty("socketTimeout", bound);
      connection = DriverManager.getConnection(database.url(), props);
      if (!connection.isValid(seconds)) throw new IllegalStateException("connection not valid");
    }
  }

  @Override
  public void reset() {
    if (connection == null) return;
    try {
      connection.close();
    } catch (Exception ignored) {
      // a broken connection may fail to close; it is dropped either way
    }
    connection = null;
  }

  @Override
  public String describe() {
    return "database " + database.redactedUrl();
  }
}
