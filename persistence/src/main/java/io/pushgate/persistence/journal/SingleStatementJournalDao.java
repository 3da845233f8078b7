package io.pushgate.persistence.journal;

import com.typesafe.config.Config;
import io.pushgate.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * pekko-persistence-jdbc's journal DAO ({@link DefaultJournalDao}: its write queue, batching,
 * reads, deletes) with one change: a batch of events is written as <b>one multi-row {@code INSERT}
 * in autocommit mode</b> ({@link JournalRowsInsert}) instead of a JDBC batch inside a transaction;
 * a batch larger than {@code pushgate.db.journal-statement-max-bytes} (8000 bytes by default,
 * within the MariaDB driver's 8 KiB packet buffer) as several such statements in one transaction.
 * Selected by {@code pushgate.db.journal-write = statement} (the default; {@code
 * jdbc-journal.dao}).
 *
 * <p>Contract: the same as the default DAO's. One statement is atomic, and several run in one
 * transaction, so a batch is written whole or not at all and every write in it fails together; the
 * events of one persistence id keep their order. A batch with tagged events goes the default way
 * (their tag rows need the generated {@code ordering}).
 *
 * <p>Threads: the statement runs on Slick's executor with a pooled connection, like the default
 * DAO's writes; nothing here blocks the caller.
 */
public final class SingleStatementJournalDao extends DefaultJournalDao {

  /**
   * Where the largest single statement (estimated bytes, its text included) is configured: set from
   * {@code pushgate.db.journal-statement-max-bytes} by {@link
   * io.pushgate.persistence.JournalConfig}.
   */
  public static final String MAX_BYTES_PATH = "jdbc-journal.statement-max-bytes";

  private final JdbcBackend.JdbcDatabaseDef database;
  private final JournalRowsInsert insert;
  private final long maxStatementBytes;

  /** Called by the journal plugin (by reflection, with these argument types). */
  public SingleStatementJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      JournalConfig journalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    this.database = db;
    this.insert =
        new JournalRowsInsert(
            journalConfig.eventJournalTableConfiguration(), profile::quoteIdentifier);
    Config config = mat.system().settings().config();
    this.maxStatementBytes =
        config.hasPath(MAX_BYTES_PATH)
            ? config.getBytes(MAX_BYTES_PATH)
            : DatabaseSettings.DEFAULT_STATEMENT_MAX_BYTES;
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(
      Seq<Tuple2<JournalPekkoSerializationRow, Set<String>>> batch) {
    List<JournalPekkoSerializationRow> rows = new ArrayList<>(batch.size());
    var it = batch.iterator();
    while (it.hasNext()) {
      Tuple2<JournalPekkoSerializationRow, Set<String>> entry = it.next();
      if (!entry._2().isEmpty()) return super.writeJournalRows(batch);
      rows.add(entry._1());
    }
    if (rows.isEmpty()) return super.writeJournalRows(batch);
    return run(write(insert.split(rows, maxStatementBytes), rows.size()));
  }

  // Slick's run takes DBIOAction[R, NoStream, Nothing]: Scala's variance makes any effect fit,
  // Java's generics cannot say so.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<BoxedUnit> run(DBIOAction action) {
    return database.run(action);
  }

  /** One statement on its own, several in one transaction. */
  private SimpleJdbcAction<BoxedUnit> write(
      List<List<JournalPekkoSerializationRow>> statements, int events) {
    return new SimpleJdbcAction<BoxedUnit>(
        context -> {
          try {
            if (statements.size() == 1) {
              insert.execute(context.connection(), statements.get(0));
            } else {
              inTransaction(context.connection(), statements);
            }
          } catch (SQLException e) {
            throw new JournalWriteException(events, e);
          }
          return BoxedUnit.UNIT;
        });
  }

  /** Runs the statements in one transaction and leaves the connection in autocommit mode. */
  private void inTransaction(
      Connection connection, List<List<JournalPekkoSerializationRow>> statements)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (List<JournalPekkoSerializationRow> rows : statements) insert.execute(connection, rows);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
        connection.setAutoCommit(true);
      } catch (SQLException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    connection.setAutoCommit(true);
  }
}
