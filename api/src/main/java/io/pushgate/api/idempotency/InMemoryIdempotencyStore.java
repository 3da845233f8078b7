package io.pushgate.api.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Idempotency keys kept in this JVM, bounded by {@code maxEntries} (oldest first out) and by their
 * retention. For a single node with Redis disabled, and for tests; not cluster-wide.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  private record Timed(StoredEntry entry, long expiresAtMillis) {}

  private final Map<String, Timed> entries = new LinkedHashMap<>();
  private final Duration retention;
  private final Duration inFlightTimeout;
  private final int maxEntries;
  private final Clock clock;

  public InMemoryIdempotencyStore(
      Duration retention, Duration inFlightTimeout, int maxEntries, Clock clock) {
    this.retention = retention;
    this.inFlightTimeout = inFlightTimeout;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public synchronized CompletionStage<Claim> claim(String app, String key, String requestHash) {
    long now = clock.millis();
    evict(now);
    Timed existing = entries.get(app + ":" + key);
    if (existing != null)
      return CompletableFuture.completedFuture(existing.entry().claimFor(requestHash));
    entries.put(
        app + ":" + key,
        new Timed(StoredEntry.inFlight(requestHash), now + inFlightTimeout.toMillis()));
    return CompletableFuture.completedFuture(new Claim.Fresh());
  }

  @Override
  public synchronized CompletionStage<Void> complete(
      String app, String key, String requestHash, StoredResponse response) {
    entries.put(
        app + ":" + key,
        new Timed(
            new StoredEntry(requestHash, response.status(), response.body()),
            clock.millis() + retention.toMillis()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> release(String app, String key) {
    entries.remove(app + ":" + key);
    return CompletableFuture.completedFuture(null);
  }

  private void evict(long now) {
    Iterator<Timed> it = entries.values().iterator();
    while (it.hasNext()) {
      Timed t = it.next();
      if (entries.size() > maxEntries || t.expiresAtMillis() <= now) it.remove();
    }
  }
}
