package io.pushgate.persistence;

import com.typesafe.config.Config;

/**
 * Where the journal and snapshots of every entity are stored ({@code pushgate.journal}, {@code
 * PUSHGATE_JOURNAL}).
 */
public enum JournalKind {
  /**
   * pekko-persistence-jdbc on {@code pushgate.db}: embedded H2 (the default), MariaDB or
   * PostgreSQL.
   */
  JDBC,
  /** pekko-persistence-cassandra on {@code pushgate.cassandra}: storage that scales out. */
  CASSANDRA;

  /** {@code jdbc} or {@code cassandra}, any case. */
  public static JournalKind parse(String value) {
    for (JournalKind k : values()) {
      if (k.name().equalsIgnoreCase(value.trim())) return k;
    }
    throw new IllegalArgumentException(
        "pushgate.journal (PUSHGATE_JOURNAL) must be jdbc or cassandra, not '" + value + "'");
  }

  /** The configured kind ({@code pushgate.journal}) of a full config. */
  public static JournalKind fromConfig(Config config) {
    return parse(config.getString("pushgate.journal"));
  }
}
