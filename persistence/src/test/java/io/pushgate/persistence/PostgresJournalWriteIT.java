package io.pushgate.persistence;

import org.junit.jupiter.api.Test;

/**
 * The single-statement journal writes on the local PostgreSQL (127.0.0.1:5432, user postgres,
 * database {@code test}); the run's rows are removed afterwards.
 */
class PostgresJournalWriteIT {

  @Test
  void writesBatchesWholeOrNotAtAllAndFallsBackForTagsAndSize() throws Exception {
    try (JournalWriteScenario scenario = new JournalWriteScenario(Postgres.settings())) {
      scenario.run();
    }
  }
}
