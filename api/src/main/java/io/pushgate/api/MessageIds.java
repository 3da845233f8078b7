package io.pushgate.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of new messages: random (version 4) UUIDs from {@link ThreadLocalRandom}. Message ids must be
 * unique, not unguessable (they are only ever shown to the app's own backend and clients), so they
 * need not cost a {@code SecureRandom} read, which {@link UUID#randomUUID()} takes on every send (2
 * % of the send path's CPU, docs/benchmarks.md). 122 random bits: a collision is not expected
 * before ~10^18 ids.
 */
final class MessageIds {

  private MessageIds() {}

  static String random() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(high, low).toString();
  }
}
