package io.pushgate.persistence;

/** The PostgreSQL the integration tests use: 127.0.0.1:5432, user postgres (trust), db test. */
final class Postgres {

  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private Postgres() {}

  static DatabaseSettings settings() {
    return new DatabaseSettings(URL, "postgres", "", 4, 1000);
  }
}
