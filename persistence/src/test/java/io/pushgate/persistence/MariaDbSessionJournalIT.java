package io.pushgate.persistence;

import org.junit.jupiter.api.Test;

/**
 * The session journal scenario on the local MariaDB (127.0.0.1:3306, root, database {@code test}).
 * Uses a unique user id per run; removes its rows afterwards.
 */
class MariaDbSessionJournalIT {

  @Test
  void persistsSnapshotsCompactsAndRecovers() throws Exception {
    SessionJournalScenario scenario = new SessionJournalScenario(MariaDb.settings());
    try {
      scenario.run();
    } finally {
      scenario.deleteRows();
    }
  }
}
