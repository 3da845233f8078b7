package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Applies an asynchronous function to every item of a list with at most {@code parallelism} calls
 * outstanding, and collects the results in item order. Replaces a Pekko stream ({@code mapAsync} +
 * {@code Sink.seq}) per request: the same bound without materializing a stream (an actor, a graph
 * interpreter) for each API call, which dominated single-recipient sends.
 *
 * <p>Contract: {@code f} must not throw and its stages must not fail (map failures to a result
 * value first); a stage that fails anyway completes the whole result exceptionally, after the calls
 * already started have been left to finish. Calls start on the caller's thread and then on the
 * threads that complete earlier calls; {@code f} must be cheap and non-blocking.
 */
final class BoundedFanOut<T, R> {

  private final List<T> items;
  private final Function<T, CompletionStage<R>> f;
  private final Object[] results;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger remaining;
  private final CompletableFuture<List<R>> done = new CompletableFuture<>();

  private BoundedFanOut(List<T> items, Function<T, CompletionStage<R>> f) {
    this.items = items;
    this.f = f;
    this.results = new Object[items.size()];
    this.remaining = new AtomicInteger(items.size());
  }

  /** Runs {@code f} over {@code items}, at most {@code parallelism} (≥ 1) at a time. */
  static <T, R> CompletionStage<List<R>> map(
      List<T> items, int parallelism, Function<T, CompletionStage<R>> f) {
    if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
    if (items.isEmpty()) return CompletableFuture.completedFuture(List.of());
    BoundedFanOut<T, R> fanOut = new BoundedFanOut<>(items, f);
    for (int i = Math.min(parallelism, items.size()); i > 0; i--) fanOut.startNext();
    return fanOut.done;
  }

  private void startNext() {
    int i = next.getAndIncrement();
    if (i >= items.size()) return;
    f.apply(items.get(i))
        .whenCompleteAsync((result, error) -> onDone(i, result, error), SAME_THREAD);
  }

  @SuppressWarnings("unchecked")
  private void onDone(int i, R result, Throwable error) {
    if (error != null) {
      done.completeExceptionally(error);
      return;
    }
    results[i] = result;
    if (remaining.decrementAndGet() == 0) {
      done.complete((List<R>) Arrays.asList(results));
    } else {
      startNext();
    }
  }
}
