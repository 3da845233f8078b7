package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

  @Test
  void refusesWorkBeyondTheBoundAndFreesSlotsOnCompletion() throws Exception {
    ConcurrencyLimit limit = new ConcurrencyLimit(2);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletionStage<String> a = limit.run(() -> first);
    CompletionStage<String> b = limit.run(() -> second);
    assertEquals(2, limit.inFlight());

    CompletionStage<String> refused = limit.run(() -> CompletableFuture.completedFuture("never"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.toCompletableFuture().get());
    assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(ApiProblem.class, e.getCause()).code());
    assertEquals(2, limit.inFlight());

    first.complete("a");
    second.completeExceptionally(new RuntimeException("boom"));
    assertEquals("a", a.toCompletableFuture().get());
    assertTrue(b.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, limit.inFlight());
    assertEquals("ok", limit.run(() -> CompletableFuture.completedFuture("ok")).toCompletableFuture().get());
  }

  @Test
  void workThatThrowsReleasesItsSlot() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1);
    CompletionStage<Object> failed = limit.run(() -> { throw new IllegalStateException("x"); });
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, limit.inFlight());
  }
}
