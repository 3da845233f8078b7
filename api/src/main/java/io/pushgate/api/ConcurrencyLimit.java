package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A non-blocking bound on work in flight ({@code pushgate.api.max-concurrent-requests}). Work
 * beyond the bound waits its turn, first come first served, in a queue of at most {@code
 * maxQueued}; it is refused with {@link ErrorCode#OVERLOADED} (nothing was done) when the queue is
 * full, or when it has not started within {@code maxWait}. So a burst is served in order instead of
 * being refused at once, and a backlog that cannot drain in time is shed. Thread-safe, never
 * blocks: queued work starts on the thread that frees a slot.
 */
final class ConcurrencyLimit {

  private final int max;
  private final int maxQueued;
  private final long maxWaitNanos;
  private final LongSupplier nanoTime;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Waiting<?>> waiting = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<boolean[]> draining = ThreadLocal.withInitial(() -> new boolean[1]);

  /** Work that waits for a slot, and when it came; taken once: by its start or by its timeout. */
  private record Waiting<T>(
      Supplier<? extends CompletionStage<T>> work,
      CompletableFuture<T> result,
      long since,
      AtomicBoolean taken) {}

  ConcurrencyLimit(int max, int maxQueued, Duration maxWait) {
    this(max, maxQueued, maxWait, System::nanoTime);
  }

  ConcurrencyLimit(int max, int maxQueued, Duration maxWait, LongSupplier nanoTime) {
    if (max < 1) throw new IllegalArgumentException("max must be >= 1");
    if (maxQueued < 0) throw new IllegalArgumentException("maxQueued must be >= 0");
    this.max = max;
    this.maxQueued = maxQueued;
    this.maxWaitNanos = maxWait.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Starts {@code work} now if fewer than {@code max} are in flight, else queues it; the slot is
   * released when the work's stage completes (or {@code work} throws).
   */
  <T> CompletionStage<T> run(Supplier<? extends CompletionStage<T>> work) {
    if (inFlight.incrementAndGet() <= max) return start(work);
    inFlight.decrementAndGet();
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(
          overloaded("its queue of " + maxQueued + " waiting requests is full"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    Waiting<T> entry = new Waiting<>(work, result, nanoTime.getAsLong(), new AtomicBoolean());
    waiting.add(entry);
    // refused at maxWait even if no slot frees by then (it stays queued until polled, then skipped)
    CompletableFuture.delayedExecutor(maxWaitNanos, TimeUnit.NANOSECONDS)
        .execute(
            () -> {
              if (entry.taken().compareAndSet(false, true))
                result.completeExceptionally(waitedTooLong());
            });
    startWaiting(); // a slot may have been freed since the check above
    return result;
  }

  /** Runs {@code work} in a slot already taken. */
  private <T> CompletionStage<T> start(Supplier<? extends CompletionStage<T>> work) {
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (RuntimeException e) {
      release();
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenCompleteAsync((result, error) -> release(), SAME_THREAD);
  }

  private void release() {
    inFlight.decrementAndGet();
    startWaiting();
  }

  /**
   * Starts queued work while slots are free; refuses what waited longer than {@code maxWait}. Not
   * re-entered on one thread (work that completes at once frees its slot inside this loop, which
   * then goes on), so a long queue of quick work cannot grow the stack.
   */
  private void startWaiting() {
    if (waiting.isEmpty()) return;
    boolean[] draining = this.draining.get();
    if (draining[0]) return;
    draining[0] = true;
    try {
      drain();
    } finally {
      draining[0] = false;
    }
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      if (inFlight.incrementAndGet() > max) {
        inFlight.decrementAndGet();
        return;
      }
      Waiting<?> next = waiting.poll();
      if (next == null) {
        inFlight.decrementAndGet();
        return;
      }
      queued.decrementAndGet();
      if (!next.taken().compareAndSet(false, true)) { // already refused by its timeout
        inFlight.decrementAndGet();
        continue;
      }
      if (nanoTime.getAsLong() - next.since() > maxWaitNanos) {
        inFlight.decrementAndGet();
        next.result().completeExceptionally(waitedTooLong());
        continue;
      }
      startInto(next);
    }
  }

  private <T> void startInto(Waiting<T> next) {
    start(next.work())
        .whenCompleteAsync(
            (value, error) -> {
              if (error != null) next.result().completeExceptionally(error);
              else next.result().complete(value);
            },
            SAME_THREAD);
  }

  private ApiProblem waitedTooLong() {
    return overloaded(
        "the request waited "
            + maxWaitNanos / 1_000_000
            + " ms (pushgate.api.max-queue-wait) without its turn");
  }

  private ApiProblem overloaded(String why) {
    return new ApiProblem(
        ErrorCode.OVERLOADED,
        "this node is serving its maximum of "
            + max
            + " concurrent requests (pushgate.api.max-concurrent-requests) and "
            + why
            + "; nothing was done, retry shortly");
  }

  /** Work currently in flight (for tests and metrics). */
  int inFlight() {
    return inFlight.get();
  }

  /** Work waiting for a slot (for tests and metrics). */
  int queued() {
    return queued.get();
  }
}
