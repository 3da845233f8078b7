package io.pushgate.persistence;

import org.junit.jupiter.api.Test;

/**
 * The session journal scenario on the local PostgreSQL (127.0.0.1:5432, user postgres, database
 * {@code test}). Uses a unique user id per run; removes its rows afterwards.
 */
class PostgresSessionJournalIT {

  @Test
  void persistsSnapshotsCompactsAndRecovers() throws Exception {
    SessionJournalScenario scenario = new SessionJournalScenario(Postgres.settings());
    try {
      scenario.run();
    } finally {
      scenario.deleteRows();
    }
  }
}
