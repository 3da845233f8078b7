package io.pushgate.persistence;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The single-statement journal writes on an embedded H2 file under target/ (the default database).
 */
class H2JournalWriteTest {

  @Test
  void writesBatchesWholeOrNotAtAllAndFallsBackForTagsAndSize() throws Exception {
    Path file =
        Path.of("target", "h2-journal-write", UUID.randomUUID().toString(), "pushgate")
            .toAbsolutePath();
    DatabaseSettings database =
        new DatabaseSettings("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 4, 1000);
    try (JournalWriteScenario scenario = new JournalWriteScenario(database)) {
      scenario.run();
    }
  }
}
