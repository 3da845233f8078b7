package io.pushgate.persistence;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The session journal scenario on an embedded H2 file under target/ (the single-node default). */
class H2SessionJournalTest {

  @Test
  void persistsSnapshotsCompactsAndRecovers() throws Exception {
    Path file =
        Path.of("target", "h2-journal", UUID.randomUUID().toString(), "pushgate").toAbsolutePath();
    DatabaseSettings database =
        new DatabaseSettings("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 4, 1000);
    new SessionJournalScenario(database).run();
  }
}
