package io.pushgate.persistence;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Where and how sessions are stored, from {@code pushgate.db} (this module's reference.conf).
 *
 * @param url JDBC URL: {@code jdbc:h2:...} (single node, the default, under ./data) or {@code
 *     jdbc:mariadb://...}; {@code PUSHGATE_DB_URL}
 * @param user database user; {@code PUSHGATE_DB_USER}
 * @param password database password; {@code PUSHGATE_DB_PASSWORD}; never printed
 * @param poolSize JDBC connections, and threads of the journal's own JDBC thread pool (default 20);
 *     {@code PUSHGATE_DB_POOL_SIZE}
 * @param journalBufferSize events the journal queues for batched writing (default 50,000). It must
 *     exceed the number of sessions persisting at the same moment: past it writes fail, the
 *     journal's circuit breaker opens and sessions stop; {@code PUSHGATE_DB_JOURNAL_BUFFER_SIZE}
 * @param journalParallelism write transactions the journal runs at once (default 8; the journal
 *     uses at most {@code poolSize}, see {@link #effectiveJournalParallelism}). Fewer means bigger
 *     batches and fewer commits, but longer waits under load (measured in docs/benchmarks.md,
 *     "Journal batching"); {@code PUSHGATE_DB_JOURNAL_PARALLELISM}
 * @param journalBatchSize most events in one write (default 400); {@code
 *     PUSHGATE_DB_JOURNAL_BATCH_SIZE}
 * @param journalWrite how a batch is written (default {@link JournalWrite#STATEMENT}: one multi-row
 *     INSERT); {@code PUSHGATE_DB_JOURNAL_WRITE}
 * @param journalStatementMaxBytes largest statement (estimated bytes) a batch is written in
 *     (default 8000, within the MariaDB driver's 8 KiB packet buffer); a larger batch is written as
 *     several statements in one transaction; {@code PUSHGATE_DB_JOURNAL_STATEMENT_MAX_BYTES}
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    int poolSize,
    int journalBufferSize,
    int journalParallelism,
    int journalBatchSize,
    JournalWrite journalWrite,
    long journalStatementMaxBytes) {

  /**
   * The default largest statement: 8000 bytes, so that it fits the MariaDB driver's 8 KiB packet
   * buffer (a larger one costs a 128 KiB buffer per statement).
   */
  public static final long DEFAULT_STATEMENT_MAX_BYTES = 8000;

  /**
   * With the journal's defaults for the rest (parallelism 8, batches of 400, statements of at most
   * 8000 bytes).
   */
  public DatabaseSettings(
      String url, String user, String password, int poolSize, int journalBufferSize) {
    this(
        url,
        user,
        password,
        poolSize,
        journalBufferSize,
        8,
        400,
        JournalWrite.STATEMENT,
        DEFAULT_STATEMENT_MAX_BYTES);
  }

  /**
   * @throws IllegalArgumentException if the URL is not an H2 or MariaDB URL (see {@link
   *     DatabaseKind#fromUrl}) or a size is below 1
   */
  public DatabaseSettings {
    DatabaseKind.fromUrl(url);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (poolSize < 1) throw new IllegalArgumentException("pushgate.db.pool-size must be >= 1");
    if (journalBufferSize < 1) {
      throw new IllegalArgumentException("pushgate.db.journal-buffer-size must be >= 1");
    }
    if (journalParallelism < 1) {
      throw new IllegalArgumentException("pushgate.db.journal-parallelism must be >= 1");
    }
    if (journalBatchSize < 1) {
      throw new IllegalArgumentException("pushgate.db.journal-batch-size must be >= 1");
    }
    Objects.requireNonNull(journalWrite, "journalWrite");
    if (journalStatementMaxBytes < 1) {
      throw new IllegalArgumentException("pushgate.db.journal-statement-max-bytes must be >= 1");
    }
  }

  /** Reads {@code pushgate.db} from a resolved config. */
  public static DatabaseSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.db");
    return new DatabaseSettings(
        c.getString("url").trim(),
        c.getString("user"),
        c.getString("password"),
        c.getInt("pool-size"),
        c.getInt("journal-buffer-size"),
        c.getInt("journal-parallelism"),
        c.getInt("journal-batch-size"),
        JournalWrite.parse(c.getString("journal-write")),
        c.getBytes("journal-statement-max-bytes"));
  }

  /** The journal's parallelism: {@code journalParallelism}, capped at the pool size. */
  public int effectiveJournalParallelism() {
    return Math.min(journalParallelism, poolSize);
  }

  /** The database the URL points to. */
  public DatabaseKind kind() {
    return DatabaseKind.fromUrl(url);
  }

  /** The URL with any {@code password=...} parameter masked, for logs and error messages. */
  public String redactedUrl() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1<hidden>");
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + redactedUrl()
        + ", user="
        + user
        + ", password=<hidden>, poolSize="
        + poolSize
        + ", journalBufferSize="
        + journalBufferSize
        + ", journalParallelism="
        + journalParallelism
        + ", journalBatchSize="
        + journalBatchSize
        + ", journalWrite="
        + journalWrite
        + ", journalStatementMaxBytes="
        + journalStatementMaxBytes
        + "]";
  }
}
