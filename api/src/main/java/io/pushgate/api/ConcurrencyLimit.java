package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A non-blocking bound on work in flight ({@code pushgate.api.max-concurrent-requests}). Work
 * beyond the bound is refused at once with {@link ErrorCode#OVERLOADED}, never queued.
 */
final class ConcurrencyLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  ConcurrencyLimit(int max) {
    if (max < 1) throw new IllegalArgumentException("max must be >= 1");
    this.max = max;
  }

  /**
   * Starts {@code work} if fewer than {@code max} are in flight; the slot is released when the
   * returned stage completes (or {@code work} throws).
   */
  <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> work) {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(
          new ApiProblem(
              ErrorCode.OVERLOADED,
              "this node is serving its maximum of " + max
                  + " concurrent requests (pushgate.api.max-concurrent-requests); retry shortly"));
    }
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenCompleteAsync((result, error) -> inFlight.decrementAndGet(), SAME_THREAD);
  }

  /** Work currently in flight (for tests and metrics). */
  int inFlight() {
    return inFlight.get();
  }
}
