package io.pushgate.node.health;

import io.pushgate.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the journal database answers, as {@code /ready} reports it: probed every
 * {@code probe-interval} on the blocking-IO dispatcher (one kept connection, validated with a
 * {@code timeout}-bounded ping; reconnected when that fails), read instantly by the readiness
 * route. The database is <em>unreachable</em> when a probe failed or when a probe has not come
 * back within {@code timeout} (a frozen database accepts TCP connections and then says nothing).
 * So {@code /ready} answers at once and turns 503 at most {@code probe-interval + timeout} after
 * the database stops answering, and 200 again at most {@code probe-interval} after it answers.
 *
 * <p>Logs one line per change of state (WARN when it becomes unreachable, INFO when it answers
 * again), never one per probe. Thread-safe.
 */
public final class JournalHealth implements Extension {

  private static final Logger log = LoggerFactory.getLogger(JournalHealth.class);

  /** What readiness sees. */
  public record Status(boolean reachable, Instant since, String detail) {}

  private final DatabaseSettings database;
  private final Duration timeout;
  private final Executor blocking;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicLong probeStartedNanos = new AtomicLong();
  private volatile Status status = new Status(true, Instant.now(), "not probed yet");
  private Connection connection; // only touched by the probe in flight

  JournalHealth(DatabaseSettings database, Duration timeout, Executor blocking) {
    this.database = database;
    this.timeout = timeout;
    this.blocking = blocking;
  }

  public static final ExtensionId<JournalHealth> ID =
      new ExtensionId<>() {
        @Override
        public JournalHealth createExtension(ActorSystem<?> system) {
          return start(system);
        }
      };

  /** The node's journal health; probing starts with the first call. */
  public static JournalHealth get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Starts probing, as {@code pushgate.health.journal} says; stops with the system. */
  private static JournalHealth start(ActorSystem<?> system) {
    var config = system.settings().config().getConfig("pushgate.health.journal");
    JournalHealth health =
        new JournalHealth(
            DatabaseSettings.fromConfig(system.settings().config()),
            config.getDuration("timeout"),
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    Duration interval = config.getDuration("probe-interval");
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, health::tick, system.executionContext());
    return health;
  }

  /** The latest state; never blocks. */
  public Status status() {
    if (probing.get() && System.nanoTime() - probeStartedNanos.get() > timeout.toNanos()) {
      change(false, "no answer within " + timeout.toMillis() + " ms");
    }
    return status;
  }

  private void tick() {
    status(); // a probe hanging past the timeout counts as unreachable
    if (!probing.compareAndSet(false, true)) return; // the last probe still hangs: do not pile up
    probeStartedNanos.set(System.nanoTime());
    blocking.execute(() -> {
      try {
        probe();
        change(true, "answers");
      } catch (Exception e) {
        closeQuietly();
        change(false, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
      } finally {
        probing.set(false);
      }
    });
  }

  private void probe() throws Exception {
    int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    if (connection == null || !connection.isValid(seconds)) {
      closeQuietly();
      Properties props = new Properties();
      props.setProperty("user", database.user());
      props.setProperty("password", database.password());
      // MariaDB Connector/J: bound the connect and every read (others ignore unknown keys)
      props.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
      props.setProperty("socketTimeout", Long.toString(timeout.toMillis()));
      connection = DriverManager.getConnection(database.url(), props);
      if (!connection.isValid(seconds)) throw new IllegalStateException("connection not valid");
    }
  }

  private synchronized void change(boolean reachable, String detail) {
    if (status.reachable() == reachable) return;
    status = new Status(reachable, Instant.now(), detail);
    if (reachable) {
      log.info("Journal database {} answers again: /ready is 200 again", database.redactedUrl());
    } else {
      log.warn("Journal database {} is unreachable ({}): /ready is 503 until it answers", database.redactedUrl(), detail);
    }
  }

  private void closeQuietly() {
    if (connection == null) return;
    try {
      connection.close();
    } catch (Exception ignored) {
      // a broken connection may fail to close; it is dropped either way
    }
    connection = null;
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
