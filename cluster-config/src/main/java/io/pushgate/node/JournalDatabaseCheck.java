package io.pushgate.node;

import io.pushgate.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness check (Pekko Management {@code /ready}): the journal database accepts a connection
 * and answers within {@link #VALID_TIMEOUT_SECONDS}. A node whose journal is unreachable cannot
 * accept QoS 1 messages, so it must not receive traffic.
 *
 * <p>The JDBC call is blocking and runs on Pekko's blocking-IO dispatcher, never on the default one.
 */
public final class JournalDatabaseCheck implements Supplier<CompletionStage<Boolean>> {

  static final int VALID_TIMEOUT_SECONDS = 2;
  private static final Logger log = LoggerFactory.getLogger(JournalDatabaseCheck.class);

  private final DatabaseSettings database;
  private final Executor blocking;

  public JournalDatabaseCheck(ActorSystem system) {
    this.database = DatabaseSettings.fromConfig(system.settings().config());
    MessageDispatcher dispatcher =
        system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher");
    this.blocking = dispatcher;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(this::check, blocking);
  }

  private boolean check() {
    try (Connection connection =
        DriverManager.getConnection(database.url(), database.user(), database.password())) {
      return connection.isValid(VALID_TIMEOUT_SECONDS);
    } catch (Exception e) {
      log.warn("Journal database {} is not reachable: {}", database.redactedUrl(), e.toString());
      return false;
    }
  }
}
