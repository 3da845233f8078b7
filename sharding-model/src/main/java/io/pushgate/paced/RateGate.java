package io.pushgate.paced;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The app's shared send rate, as the paced drain sees it: take {@code n} tokens (one per recipient)
 * or none. The same bucket that direct sends use, so direct sends and drains together never exceed
 * the app's rate. Must never block and never fail the stage.
 */
public interface RateGate {
  CompletionStage<Boolean> tryAcquire(String app, int n);

  /** No limit (tests, and nodes without a rate limiter). */
  static RateGate unlimited() {
    return (app, n) -> CompletableFuture.completedFuture(true);
  }
}
