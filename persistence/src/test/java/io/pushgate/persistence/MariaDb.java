package io.pushgate.persistence;

/** The MariaDB the integration tests use: 127.0.0.1:3306, user root without password, db test. */
final class MariaDb {

  static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";

  private MariaDb() {}

  static DatabaseSettings settings() {
    return new DatabaseSettings(URL, "root", "", 4, 1000);
  }
}
