package io.pushgate.persistence;

import io.pushgate.persistence.journal.SingleStatementJournalDao;

/**
 * How the journal writes a batch of events ({@code pushgate.db.journal-write}).
 *
 * <ul>
 *   <li>{@link #STATEMENT} (default): one multi-row {@code INSERT} in autocommit mode, atomic by
 *       itself ({@link SingleStatementJournalDao}): one round trip to the database per batch.
 *   <li>{@link #TRANSACTION}: pekko-persistence-jdbc's own DAO, a JDBC batch in a transaction (four
 *       round trips on MariaDB: {@code SET autocommit=0}, the batch, {@code COMMIT}, {@code SET
 *       autocommit=1}).
 * </ul>
 */
public enum JournalWrite {
  STATEMENT(SingleStatementJournalDao.class.getName()),
  TRANSACTION("org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao");

  private final String daoClass;

  JournalWrite(String daoClass) {
    this.daoClass = daoClass;
  }

  /** The class for {@code jdbc-journal.dao}. */
  public String daoClass() {
    return daoClass;
  }

  /** {@code statement} or {@code transaction}, any case. */
  public static JournalWrite parse(String value) {
    for (JournalWrite w : values()) {
      if (w.name().equalsIgnoreCase(value.trim())) return w;
    }
    throw new IllegalArgumentException(
        "pushgate.db.journal-write must be statement or transaction, not '" + value + "'");
  }
}
