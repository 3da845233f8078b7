package io.pushgate.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.persistence.journal.SingleStatementJournalDao;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension$;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;

/**
 * The journal's single-statement writes ({@link SingleStatementJournalDao}) on a real database:
 * batches written and read back by the plugin's own reader in order, a batch that fails is written
 * not at all (one statement, atomic; several statements, in one transaction), tagged events take
 * the plugin's transaction and keep their tag rows, and a batch larger than {@code
 * journal-statement-max-bytes} is written in several statements. Shared by the H2 test and the
 * MariaDB IT.
 */
final class JournalWriteScenario implements AutoCloseable {

  /** Small, so that one 64 KB event is over it and makes a statement of its own. */
  static final long MAX_STATEMENT_BYTES = 16 * 1024;

  private static final long WAIT_SECONDS = 30;

  private final DatabaseSettings database;
  private final String run = UUID.randomUUID().toString();
  private final ActorSystem system;
  private final SingleStatementJournalDao dao;

  JournalWriteScenario(DatabaseSettings base) throws Exception {
    this.database =
        new DatabaseSettings(
            base.url(),
            base.user(),
            base.password(),
            base.poolSize(),
            base.journalBufferSize(),
            base.journalParallelism(),
            base.journalBatchSize(),
            JournalWrite.STATEMENT,
            MAX_STATEMENT_BYTES);
    SchemaMigrator.migrate(database);
    Config config =
        io.pushgate.persistence.JournalConfig.forDatabase(database)
            .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING"))
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create("journal-write-" + run.substring(0, 8), config);
    Config plugin = config.getConfig("jdbc-journal");
    SlickDatabase slick =
        ((SlickExtensionImpl) SlickExtension$.MODULE$.apply(system)).database(plugin);
    dao =
        new SingleStatementJournalDao(
            slick.database(),
            slick.profile(),
            new JournalConfig(plugin),
            SerializationExtension.get(system),
            system.dispatcher(),
            Materializer.matFromSystem(system));
  }

  String pid(String name) {
    return "journal-write|" + run + "-" + name;
  }

  /** Writes the atomic writes (each a list of events of one persistence id) as one call. */
  void write(List<List<PersistentRepr>> writes) throws Exception {
    List<AtomicWrite> atomic = new ArrayList<>();
    for (List<PersistentRepr> w : writes) {
      atomic.add(AtomicWrite.apply(CollectionConverters.asScala(w).toList()));
    }
    scala.collection.immutable.Seq<Try<scala.runtime.BoxedUnit>> results =
        FutureConverters.asJava(
                dao.asyncWriteMessages(CollectionConverters.asScala(atomic).toList()))
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    for (Try<scala.runtime.BoxedUnit> result : CollectionConverters.asJava(results)) result.get();
  }

  static PersistentRepr event(String pid, long seq, Object payload) {
    return PersistentRepr$.MODULE$.apply(payload, seq, pid, "", false, null, "writer-1");
  }

  static PersistentRepr tagged(String pid, long seq, String payload, String tag) {
    return event(pid, seq, new Tagged(payload, Set.of(tag)));
  }

  /** The payloads of {@code pid} in sequence order, read by the plugin's own reader. */
  List<Object> read(String pid) throws Exception {
    List<Try<Tuple2<PersistentRepr, Object>>> rows =
        dao.messages(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE)
            .asJava()
            .runWith(Sink.seq(), Materializer.matFromSystem(system))
            .toCompletableFuture()
            .get(WAIT_SECONDS, TimeUnit.SECONDS);
    List<Object> payloads = new ArrayList<>();
    long expected = 1;
    for (Try<Tuple2<PersistentRepr, Object>> row : rows) {
      PersistentRepr repr = row.get()._1();
      assertEquals(expected++, repr.sequenceNr(), "sequence of " + pid);
      payloads.add(repr.payload());
    }
    return payloads;
  }

  /** Runs the whole scenario. */
  void run() throws Exception {
    String a = pid("a"), b = pid("b"), c = pid("c"), d = pid("d"), big = pid("big");
    String t = pid("tagged");

    write(
        List.of(
            List.of(event(a, 1, "a1"), event(a, 2, "a2"), event(a, 3, "a3")),
            List.of(event(b, 1, "b1"))));
    assertEquals(List.of("a1", "a2", "a3"), read(a));
    assertEquals(List.of("b1"), read(b));

    // c's event and a duplicate of a's third: the statement fails whole, so c has nothing.
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> write(List.of(List.of(event(c, 1, "c1")), List.of(event(a, 3, "again")))));
    assertEquals(List.of(), read(c), "part of a failed batch was written: " + failed.getCause());
    assertEquals(List.of("a1", "a2", "a3"), read(a));

    String large = "x".repeat(64 * 1024);
    write(List.of(List.of(event(big, 1, large), event(big, 2, "after"))));
    assertEquals(List.of(large, "after"), read(big));

    // Several statements in one transaction: c's large event first, then a duplicate of big's
    // second; the second statement fails, so the first is rolled back.
    ExecutionException failedSplit =
        assertThrows(
            ExecutionException.class,
            () -> write(List.of(List.of(event(c, 1, large)), List.of(event(big, 2, "again")))));
    assertEquals(
        List.of(),
        read(c),
        "part of a failed multi-statement batch was written: " + failedSplit.getCause());
    assertEquals(List.of(large, "after"), read(big));

    // Many small events over several statements, in order.
    List<PersistentRepr> many = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      many.add(event(d, i, "d" + i + "-" + "y".repeat(200)));
      expected.add("d" + i + "-" + "y".repeat(200));
    }
    write(List.of(many));
    assertEquals(expected, read(d));

    write(List.of(List.of(tagged(t, 1, "t1", "blue"), tagged(t, 2, "t2", "blue"))));
    assertEquals(List.of("t1", "t2"), read(t));
    assertEquals(2, tagRows(t, "blue"), "tag rows of the tagged events");
  }

  private long tagRows(String pid, String tag) throws SQLException {
    String sql =
        "SELECT COUNT(*) FROM "
            + q("event_tag")
            + " t JOIN "
            + q("event_journal")
            + " j ON t."
            + q("event_id")
            + " = j."
            + q("ordering")
            + " WHERE j."
            + q("persistence_id")
            + " = ? AND t."
            + q("tag")
            + " = ?";
    try (Connection connection =
            DriverManager.getConnection(database.url(), database.user(), database.password());
        PreparedStatement s = connection.prepareStatement(sql)) {
      s.setString(1, pid);
      s.setString(2, tag);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private String q(String identifier) {
    return database.kind() == DatabaseKind.H2 ? "\"" + identifier + "\"" : identifier;
  }

  /** Removes this run's rows and stops the actor system. */
  @Override
  public void close() throws Exception {
    try (Connection connection =
        DriverManager.getConnection(database.url(), database.user(), database.password())) {
      for (String sql :
          new String[] {
            "DELETE FROM "
                + q("event_tag")
                + " WHERE "
                + q("event_id")
                + " IN (SELECT "
                + q("ordering")
                + " FROM "
                + q("event_journal")
                + " WHERE "
                + q("persistence_id")
                + " LIKE ?)",
            "DELETE FROM " + q("event_journal") + " WHERE " + q("persistence_id") + " LIKE ?"
          }) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
          s.setString(1, "journal-write|" + run + "%");
          s.executeUpdate();
        }
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
