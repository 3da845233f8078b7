package io.pushgate.persistence.journal;

import java.sql.SQLException;

/**
 * A journal batch the database refused; nothing of it was written. The driver's error is the cause.
 */
public final class JournalWriteException extends RuntimeException {

  JournalWriteException(int events, SQLException cause) {
    super("journal write of " + events + " events failed: " + cause.getMessage(), cause);
  }
}
