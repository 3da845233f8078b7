package io.pushgate.node.health;

import java.time.Duration;

/**
 * One blocking check that the journal's store answers, for {@link JournalHealth}. Called from one
 * thread at a time (the blocking-IO dispatcher), never from an actor or event loop.
 */
interface JournalProbe {

  /** Returns when the store answered within about {@code timeout}; throws when it did not. */
  void probe(Duration timeout) throws Exception;

  /** Drops what the probe keeps (a connection) after a failure, so the next probe starts afresh. */
  void reset();

  /** The store, for logs (no credentials). */
  String describe();
}
