package io.pushgate.node.health;

import io.pushgate.persistence.JournalStore;
import java.time.Duration;
import java.time.Instant;
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
 * Whether the journal's store answers, as {@code /ready} reports it: probed every {@code
 * probe-interval} on the blocking-IO dispatcher ({@link JdbcJournalProbe}: a kept connection,
 * pinged; {@link CassandraJournalProbe}: a read at the write consistency), each probe bounded by
 * {@code timeout}, read instantly by the readiness route. The database is <em>unreachable</em> when
 * a probe failed or when a probe has not come back within {@code timeout} (a frozen database
 * accepts TCP connections and then says nothing). So {@code /ready} answers at once and turns 503
 * at most {@code probe-interval + timeout} after the database stops answering, and 200 again at
 * most {@code probe-interval} after it answers.
 *
 * <p>Logs one line per change of state (WARN when it becomes unreachable, INFO when it answers
 * again), never one per probe. Thread-safe.
 */
public final class JournalHealth implements Extension {

  private static final Logger log = LoggerFactory.getLogger(JournalHealth.class);

  /** What readiness sees. */
  public record Status(boolean reachable, Instant since, String detail) {}

  private final JournalProbe probe;
  private final Duration timeout;
  private final Executor blocking;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicLong probeStartedNanos = new AtomicLong();
  private volatile Status status = new Status(true, Instant.now(), "not probed yet");

  JournalHealth(JournalProbe probe, Duration timeout, Executor blocking) {
    this.probe = probe;
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
            probeFor(system),
            config.getDuration("timeout"),
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    Duration interval = config.getDuration("probe-interval");
    system
        .scheduler()
        .scheduleWithFixedDelay(Duration.ZERO, interval, health::tick, system.executionContext());
    return health;
  }

  private static JournalProbe probeFor(ActorSystem<?> system) {
    JournalStore store = JournalStore.fromConfig(system.settings().config());
    if (store instanceof JournalStore.Cassandra c)
      return new CassandraJournalProbe(system, c.cassandra());
    return new JdbcJournalProbe(((JournalStore.Jdbc) store).database());
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
    blocking.execute(
        () -> {
          try {
            probe.probe(timeout);
            change(true, "answers");
          } catch (Exception e) {
            probe.reset();
            change(false, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
          } finally {
            probing.set(false);
          }
        });
  }

  private synchronized void change(boolean reachable, String detail) {
    if (status.reachable() == reachable) return;
    status = new Status(reachable, Instant.now(), detail);
    if (reachable) {
      log.info("Journal {} answers again: /ready is 200 again", probe.describe());
    } else {
      log.warn(
          "Journal {} is unreachable ({}): /ready is 503 until it answers",
          probe.describe(),
          detail);
    }
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
