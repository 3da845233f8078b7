package io.pushgate.api.ratelimit;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.model.App;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, exactly, the recipients of the sends that this node admitted from its fallback bucket
 * while the shared limiter was unreachable ({@link RateDecision#servedLocally()}): the cost of each
 * admitted send once, whether its tokens came straight from the fallback or from a lease the
 * fallback granted. (Counting at the fallback would count whole leases, most of whose tokens may
 * never be used.) Wraps the limiter the API asks; thread-safe.
 */
public final class DegradedAdmissions implements SendRateLimiter {

  private final SendRateLimiter limiter;
  private final LongAdder admitted = new LongAdder();

  public DegradedAdmissions(SendRateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public CompletionStage<RateDecision> acquire(App app, int cost) {
    return limiter
        .acquire(app, cost)
        .thenApplyAsync(
            decision -> {
              if (decision.allowed() && decision.servedLocally()) admitted.add(cost);
              return decision;
            },
            SAME_THREAD);
  }

  /** Recipients admitted by the per-node fallback since the node started. */
  public long admittedWhileDegraded() {
    return admitted.sum();
  }
}
