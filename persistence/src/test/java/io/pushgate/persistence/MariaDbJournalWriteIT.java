package io.pushgate.persistence;

import org.junit.jupiter.api.Test;

/**
 * The single-statement journal writes on the local MariaDB (127.0.0.1:3306, root, database {@code
 * test}); the run's rows are removed afterwards.
 */
class MariaDbJournalWriteIT {

  @Test
  void writesBatchesWholeOrNotAtAllAndFallsBackForTagsAndSize() throws Exception {
    try (JournalWriteScenario scenario = new JournalWriteScenario(MariaDb.settings())) {
      scenario.run();
    }
  }
}
