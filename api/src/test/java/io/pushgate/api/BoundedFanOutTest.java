package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedFanOutTest {

  /** Outstanding calls by item, completed by the test to observe the bound. */
  private final Map<Integer, CompletableFuture<Integer>> outstanding = new LinkedHashMap<>();

  private int maxOutstanding;

  private CompletionStage<Integer> call(int item) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    outstanding.put(item, f);
    maxOutstanding = Math.max(maxOutstanding, outstanding.size());
    return f.thenApply(x -> x * 10);
  }

  @Test
  void keepsAtMostParallelismCallsOutstandingAndResultsInItemOrder() {
    List<Integer> items = IntStream.range(0, 20).boxed().toList();
    CompletableFuture<List<Integer>> result =
        BoundedFanOut.map(items, 3, this::call).toCompletableFuture();
    assertEquals(3, outstanding.size());
    while (!outstanding.isEmpty()) {
      // complete the newest outstanding call first: results still come back in item order
      int item = outstanding.keySet().stream().reduce((a, b) -> b).orElseThrow();
      outstanding.remove(item).complete(item);
      assertFalse(result.isDone() && !outstanding.isEmpty());
    }
    assertEquals(3, maxOutstanding);
    assertEquals(IntStream.range(0, 20).map(i -> i * 10).boxed().toList(), result.join());
  }

  @Test
  void emptyListCompletesAtOnce() {
    assertEquals(
        List.of(),
        BoundedFanOut.map(List.<Integer>of(), 4, this::call).toCompletableFuture().join());
  }

  @Test
  void aFailedCallFailsTheResult() {
    CompletableFuture<List<Integer>> result =
        BoundedFanOut.map(
                List.of(1, 2),
                2,
                i ->
                    i == 2
                        ? CompletableFuture.<Integer>failedFuture(new IllegalStateException("boom"))
                        : CompletableFuture.completedFuture(i))
            .toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, result::join);
    assertTrue(e.getCause() instanceof IllegalStateException);
  }

  @Test
  void rejectsParallelismBelowOne() {
    assertThrows(
        IllegalArgumentException.class, () -> BoundedFanOut.map(List.of(1), 0, this::call));
  }
}
