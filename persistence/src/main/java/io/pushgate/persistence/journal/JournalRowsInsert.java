package io.pushgate.persistence.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableColumnNames;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables.JournalPekkoSerializationRow;

/**
 * One multi-row {@code INSERT} of journal rows into pekko-persistence-jdbc's {@code event_journal}
 * table (its configured table, schema and column names), every row in one statement.
 *
 * <p>Contract: a single statement is atomic on InnoDB and on H2 in autocommit mode, so either every
 * row is written or none is; it needs no transaction around it and so one round trip instead of
 * four ({@code SET autocommit=0}, the insert, {@code COMMIT}, {@code SET autocommit=1}). The {@code
 * ordering} column is left to the database (auto-increment, in the order of the rows).
 *
 * <p>Limits: {@link #split} cuts a batch into statements of at most a given size (estimated from
 * above as the MariaDB driver encodes and buffers them), so the caller can keep each within the
 * MariaDB driver's 8 KiB packet buffer (a larger statement makes the driver allocate a 128 KiB
 * buffer and drop it again) and far under the server's {@code max_allowed_packet}; statement texts
 * are cached for up to {@link #CACHED_TEXTS} rows. Thread-safe.
 */
final class JournalRowsInsert {

  /**
   * Statement texts cached for 1 to this many rows (the journal's batch size is 400 by default).
   */
  static final int CACHED_TEXTS = 512;

  private static final int COLUMNS = 12;

  /**
   * Per-row bytes besides payloads and strings: 12 values' separators and quotes, numbers of up to
   * 20 digits, the {@code _binary ''} prefix, {@code NULL}s.
   */
  private static final int ROW_OVERHEAD_BYTES = 128;

  private final String head;
  private final AtomicReferenceArray<String> texts = new AtomicReferenceArray<>(CACHED_TEXTS + 1);

  /**
   * @param table the journal table as the plugin configures it
   * @param quote the Slick profile's identifier quoting (backticks on MySQL, double quotes on H2)
   */
  JournalRowsInsert(EventJournalTableConfiguration table, UnaryOperator<String> quote) {
    EventJournalTableColumnNames c = table.columnNames();
    String name =
        (table.schemaName().isDefined() ? quote.apply(table.schemaName().get()) + "." : "")
            + quote.apply(table.tableName());
    List<String> columns =
        List.of(
            c.deleted(),
            c.persistenceId(),
            c.sequenceNumber(),
            c.writer(),
            c.writeTimestamp(),
            c.adapterManifest(),
            c.eventPayload(),
            c.eventSerId(),
            c.eventSerManifest(),
            c.metaPayload(),
            c.metaSerId(),
            c.metaSerManifest());
    StringBuilder sb = new StringBuilder("INSERT INTO ").append(name).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(quote.apply(columns.get(i)));
    }
    head = sb.append(") VALUES ").toString();
  }

  /**
   * The bytes a row adds to a statement, estimated from above for ASCII ids: payloads as the
   * MariaDB driver's text protocol escapes them (one extra byte for each {@code NUL}, quote, double
   * quote and backslash).
   */
  private static long sizeOf(JournalPekkoSerializationRow row) {
    long bytes = ROW_OVERHEAD_BYTES + escaped(row.eventPayload());
    bytes += row.persistenceId().length() + row.writer().length() + row.adapterManifest().length();
    bytes += row.eventSerManifest().length();
    if (row.metaPayload().isDefined()) bytes += escaped(row.metaPayload().get());
    if (row.metaSerManifest().isDefined()) bytes += row.metaSerManifest().get().length();
    return bytes;
  }

  /**
   * The room the driver wants free beyond a row's own bytes while it writes the row: before each
   * value it makes sure of twice a byte array's length and three times a string's characters.
   */
  private static long slackOf(JournalPekkoSerializationRow row) {
    long bytes = row.eventPayload().length;
    if (row.metaPayload().isDefined()) bytes = Math.max(bytes, row.metaPayload().get().length);
    int chars = Math.max(row.persistenceId().length(), row.writer().length());
    chars =
        Math.max(chars, Math.max(row.adapterManifest().length(), row.eventSerManifest().length()));
    return Math.max(bytes, 2L * chars + 1);
  }

  private static long escaped(byte[] payload) {
    long bytes = payload.length;
    for (byte b : payload) {
      if (b == 0 || b == '\'' || b == '"' || b == '\\') bytes++;
    }
    return bytes;
  }

  /**
   * {@code rows} in order, cut into statements of at most {@code maxStatementBytes} each (head
   * included); a row larger than that alone makes a statement of its own.
   */
  List<List<JournalPekkoSerializationRow>> split(
      List<JournalPekkoSerializationRow> rows, long maxStatementBytes) {
    List<List<JournalPekkoSerializationRow>> statements = new ArrayList<>(1);
    List<JournalPekkoSerializationRow> current = new ArrayList<>(rows.size());
    long bytes = head.length();
    for (JournalPekkoSerializationRow row : rows) {
      long size = sizeOf(row);
      if (!current.isEmpty() && bytes + size + slackOf(row) > maxStatementBytes) {
        statements.add(current);
        current = new ArrayList<>();
        bytes = head.length();
      }
      current.add(row);
      bytes += size;
    }
    statements.add(current);
    return statements;
  }

  /**
   * Writes {@code rows} (at least one) in one statement on {@code connection}, which must be in
   * autocommit mode (or the caller commits).
   *
   * @throws SQLException as the driver reports it; then no row of the statement was written
   */
  void execute(Connection connection, List<JournalPekkoSerializationRow> rows) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(text(rows.size()))) {
      int p = 1;
      for (JournalPekkoSerializationRow row : rows) {
        statement.setBoolean(p++, row.deleted());
        statement.setString(p++, row.persistenceId());
        statement.setLong(p++, row.sequenceNumber());
        statement.setString(p++, row.writer());
        statement.setLong(p++, row.writeTimestamp());
        statement.setString(p++, row.adapterManifest());
        statement.setBytes(p++, row.eventPayload());
        statement.setInt(p++, row.eventSerId());
        statement.setString(p++, row.eventSerManifest());
        if (row.metaPayload().isDefined()) {
          statement.setBytes(p++, row.metaPayload().get());
          statement.setInt(p++, (Integer) row.metaSerId().get());
          statement.setString(p++, row.metaSerManifest().get());
        } else {
          statement.setNull(p++, Types.VARBINARY); // BLOB would be an oid on PostgreSQL, not bytea
          statement.setNull(p++, Types.INTEGER);
          statement.setNull(p++, Types.VARCHAR);
        }
      }
      statement.executeUpdate();
    }
  }

  private String text(int rows) {
    if (rows > CACHED_TEXTS) return build(rows);
    String text = texts.get(rows);
    if (text == null) {
      text = build(rows);
      texts.set(rows, text);
    }
    return text;
  }

  private String build(int rows) {
    String values = "(" + "?, ".repeat(COLUMNS - 1) + "?)";
    StringBuilder sb = new StringBuilder(head.length() + rows * (values.length() + 2)).append(head);
    for (int i = 0; i < rows; i++) sb.append(i == 0 ? "" : ", ").append(values);
    return sb.toString();
  }
}
