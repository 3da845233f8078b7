package io.pushgate.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.persistence.journal.SingleStatementJournalDao;
import java.util.HashMap;
import java.util.Map;

/**
 * The database-specific part of the journal configuration, built from {@link DatabaseSettings}.
 *
 * <p>This module's reference.conf selects the plugins (journal {@code jdbc-journal}, snapshot store
 * {@code jdbc-snapshot-store}, all pekko-persistence-jdbc plugins on the one shared database {@code
 * slick}). This overlay fills in that shared database: Slick profile, driver, URL, credentials and
 * pool size, plus the journal's write buffer, parallelism, batch size and how a batch is written
 * ({@code jdbc-journal.dao}, {@link JournalWrite}). It is an overlay rather than substitutions in
 * reference.conf because reference.conf is resolved on its own, before application.conf could
 * override {@code pushgate.db}.
 *
 * <p>Threads: the journal's blocking JDBC calls run on Slick's own executor ({@code numThreads} =
 * pool size, tasks queued up to Slick's {@code queueSize}, 10,000), never on the actor dispatchers.
 * Threads and connections are equal, as Slick requires.
 *
 * <p>Use: {@code JournalConfig.forDatabase(settings).withFallback(config).resolve()} before
 * creating the actor system.
 */
public final class JournalConfig {

  /** The path of the shared database all pekko-persistence-jdbc plugins use. */
  public static final String SHARED_DATABASE_PATH = "pekko-persistence-jdbc.shared-databases.slick";

  private JournalConfig() {}

  /** The overlay for {@code database}; its values take precedence over the fallback's. */
  public static Config forDatabase(DatabaseSettings database) {
    DatabaseKind kind = database.kind();
    String db = SHARED_DATABASE_PATH + ".db.";
    Map<String, Object> values = new HashMap<>();
    values.put(SHARED_DATABASE_PATH + ".profile", kind.slickProfile());
    values.put(db + "driver", kind.driverClass());
    values.put(db + "url", database.url());
    values.put(db + "user", database.user());
    values.put(db + "password", database.password());
    values.put(db + "numThreads", database.poolSize());
    values.put(db + "maxConnections", database.poolSize());
    values.put(db + "minConnections", database.poolSize());
    values.put("jdbc-journal.bufferSize", database.journalBufferSize());
    values.put("jdbc-journal.parallelism", database.effectiveJournalParallelism());
    values.put("jdbc-journal.batchSize", database.journalBatchSize());
    values.put("jdbc-journal.dao", database.journalWrite().daoClass());
    values.put(SingleStatementJournalDao.MAX_BYTES_PATH, database.journalStatementMaxBytes());
    return ConfigFactory.parseMap(values, "pushgate.db (" + kind + ")");
  }
}
