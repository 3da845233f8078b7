package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

  private final AtomicLong now = new AtomicLong();

  private ConcurrencyLimit limit(int max, int maxQueued) {
    return new ConcurrencyLimit(max, maxQueued, Duration.ofSeconds(5), now::get);
  }

  private static ErrorCode refusal(CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get());
    return assertInstanceOf(ApiProblem.class, e.getCause()).code();
  }

  @Test
  void refusesWorkBeyondTheBoundAndTheQueueAndFreesSlotsOnCompletion() throws Exception {
    ConcurrencyLimit limit = limit(2, 0);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletionStage<String> a = limit.run(() -> first);
    CompletionStage<String> b = limit.run(() -> second);
    assertEquals(2, limit.inFlight());

    assertEquals(
        ErrorCode.OVERLOADED, refusal(limit.run(() -> CompletableFuture.completedFuture("never"))));
    assertEquals(2, limit.inFlight());

    first.complete("a");
    second.completeExceptionally(new RuntimeException("boom"));
    assertEquals("a", a.toCompletableFuture().get());
    assertTrue(b.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, limit.inFlight());
    assertEquals(
        "ok", limit.run(() -> CompletableFuture.completedFuture("ok")).toCompletableFuture().get());
  }

  @Test
  void workThatThrowsReleasesItsSlot() {
    ConcurrencyLimit limit = limit(1, 0);
    CompletionStage<Object> failed =
        limit.run(
            () -> {
              throw new IllegalStateException("x");
            });
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, limit.inFlight());
  }

  @Test
  void aBurstWaitsItsTurnInOrderUpToTheQueueBound() throws Exception {
    ConcurrencyLimit limit = limit(2, 3);
    List<CompletableFuture<String>> works = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletionStage<String>> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      CompletableFuture<String> work = new CompletableFuture<>();
      works.add(work);
      results.add(
          limit.run(
              () -> {
                started.add(n);
                return work;
              }));
    }
    assertEquals(List.of(0, 1), started, "two run, three wait");
    assertEquals(3, limit.queued());
    assertEquals(ErrorCode.OVERLOADED, refusal(results.get(5)), "the sixth finds the queue full");
    works.get(1).complete("w1");
    assertEquals(List.of(0, 1, 2), started, "a freed slot starts the first waiting");
    works.get(0).complete("w0");
    works.get(2).complete("w2");
    assertEquals(List.of(0, 1, 2, 3, 4), started, "first come, first served");
    works.get(3).complete("w3");
    works.get(4).complete("w4");
    for (int i = 0; i < 5; i++) assertEquals("w" + i, results.get(i).toCompletableFuture().get());
    assertEquals(0, limit.inFlight());
    assertEquals(0, limit.queued());
  }

  @Test
  void workThatWaitedTooLongIsRefusedWhenItsTurnComes() throws Exception {
    ConcurrencyLimit limit = limit(1, 10);
    CompletableFuture<String> busy = new CompletableFuture<>();
    limit.run(() -> busy);
    boolean[] ran = {false};
    CompletionStage<String> late =
        limit.run(
            () -> {
              ran[0] = true;
              return CompletableFuture.completedFuture("late");
            });
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    busy.complete("done");
    assertEquals(ErrorCode.OVERLOADED, refusal(late));
    assertFalse(ran[0], "nothing was done");
    assertEquals(0, limit.inFlight());
  }

  @Test
  void aLongQueueOfQuickWorkDrainsWithoutGrowingTheStack() throws Exception {
    ConcurrencyLimit limit = limit(1, 100_000);
    CompletableFuture<String> busy = new CompletableFuture<>();
    limit.run(() -> busy);
    List<CompletionStage<String>> quick = new ArrayList<>();
    for (int i = 0; i < 100_000; i++)
      quick.add(limit.run(() -> CompletableFuture.completedFuture("q")));
    busy.complete("done"); // every waiting one completes at once when started
    for (CompletionStage<String> q : quick) assertEquals("q", q.toCompletableFuture().get());
    assertEquals(0, limit.inFlight());
  }

  @Test
  void queuedWorkIsRefusedAtItsWaitEvenIfNoSlotFrees() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 10, Duration.ofMillis(200));
    limit.run(CompletableFuture::new); // never completes
    CompletionStage<String> waiting = limit.run(() -> CompletableFuture.completedFuture("never"));
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> waiting.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(ApiProblem.class, e.getCause()).code());
  }
}
