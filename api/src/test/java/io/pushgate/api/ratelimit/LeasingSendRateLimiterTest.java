package io.pushgate.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.model.App;
import io.pushgate.model.AppLimits;
import io.pushgate.model.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeasingSendRateLimiterTest {

  /** The shared limiter: a bucket that never refills, recording what it was asked for. */
  private long sharedTokens = 1_000_000;

  private final List<Integer> asked = new ArrayList<>();
  private final SendRateLimiter shared =
      (app, cost) -> {
        asked.add(cost);
        if (sharedTokens < cost)
          return CompletableFuture.completedFuture(RateDecision.refused(1000));
        sharedTokens -= cost;
        return CompletableFuture.completedFuture(RateDecision.ALLOWED);
      };
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LeasingSendRateLimiter limiter =
      new LeasingSendRateLimiter(shared, 100, Duration.ofSeconds(1), now::get);

  private static App app(int rate, int burst) {
    AppLimits defaults = AppLimits.DEFAULTS;
    return new App(
        "a" + rate + "-" + burst,
        "key",
        "a-token-secret-of-at-least-32-bytes!!",
        false,
        new AppLimits(
            defaults.defaultTtl(), defaults.maxTtl(), OverflowPolicy.REJECT, rate, burst));
  }

  private static boolean allowed(CompletionStage<RateDecision> stage) {
    return stage.toCompletableFuture().join().allowed();
  }

  @Test
  void asksTheSharedLimiterOncePerLease() {
    App app = app(10_000, 10_000); // lease size min(100, 100, 1000) = 100
    assertEquals(100, limiter.leaseSize(app));
    for (int i = 0; i < 1000; i++) assertTrue(allowed(limiter.acquire(app, 1)));
    assertEquals(10, asked.size());
    assertTrue(asked.stream().allMatch(c -> c == 100));
  }

  @Test
  void nearTheLimitAsksForExactlyTheCost() {
    App app = app(10_000, 1_000); // lease size 100
    sharedTokens = 1_000;
    for (int i = 0; i < 950; i++) assertTrue(allowed(limiter.acquire(app, 1))); // 10 leases taken
    // the bucket has 0 tokens left now (10 leases of 100), the lease has 50 spare
    for (int i = 0; i < 50; i++) assertTrue(allowed(limiter.acquire(app, 1)));
    asked.clear();
    assertFalse(allowed(limiter.acquire(app, 1)), "nothing left anywhere: refused");
    assertEquals(List.of(100, 1), asked, "a lease first, then exactly the cost");
  }

  @Test
  void spareTokensExpireAfterTheLeaseTtl() {
    App app = app(10_000, 10_000);
    assertTrue(allowed(limiter.acquire(app, 1)));
    now.addAndGet(Duration.ofMillis(999).toNanos());
    assertTrue(allowed(limiter.acquire(app, 1)));
    assertEquals(1, asked.size(), "still served by the first lease");
    now.addAndGet(Duration.ofMillis(2).toNanos());
    assertTrue(allowed(limiter.acquire(app, 1)));
    assertEquals(2, asked.size(), "expired: a new lease");
  }

  @Test
  void smallAppsAndLargeSendsGoStraightToTheSharedLimiter() {
    App small = app(50, 50); // rate / 100 = 0: no leasing
    assertEquals(1, limiter.leaseSize(small));
    assertTrue(allowed(limiter.acquire(small, 1)));
    assertEquals(List.of(1), asked);
    App big = app(10_000, 10_000);
    asked.clear();
    assertTrue(allowed(limiter.acquire(big, 500)));
    assertEquals(List.of(500), asked);
  }

  @Test
  void aBurstWaitsForOneLeaseInsteadOfLeasingPerSend() {
    // the shared limiter answers later (a Redis round trip): 1,000 sends arrive meanwhile
    SlowShared slow = new SlowShared();
    List<CompletableFuture<RateDecision>> answers = slow.answers;
    List<Integer> costs = slow.costs;
    LeasingSendRateLimiter leasing =
        new LeasingSendRateLimiter(slow, 100, Duration.ofSeconds(1), now::get);
    App app = app(10_000, 10_000); // lease size 100
    List<CompletionStage<RateDecision>> sends = new ArrayList<>();
    for (int i = 0; i < 1000; i++) sends.add(leasing.acquire(app, 1));
    assertEquals(List.of(100), costs, "one lease in flight, not one per send");
    for (int round = 0; round < 10; round++) answers.get(round).complete(RateDecision.ALLOWED);
    assertEquals(10, costs.size(), "1,000 sends: ten leases of 100, one after another");
    assertTrue(sends.stream().allMatch(LeasingSendRateLimiterTest::allowed));
  }

  @Test
  void whenTheLeaseIsRefusedTheWaitingSendsAskForTheirExactCost() {
    SlowShared slow = new SlowShared();
    List<CompletableFuture<RateDecision>> answers = slow.answers;
    List<Integer> costs = slow.costs;
    LeasingSendRateLimiter leasing =
        new LeasingSendRateLimiter(slow, 100, Duration.ofSeconds(1), now::get);
    App app = app(10_000, 10_000);
    List<CompletionStage<RateDecision>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) sends.add(leasing.acquire(app, 1));
    answers.get(0).complete(RateDecision.refused(1000));
    assertEquals(
        List.of(100, 1, 1, 1, 1, 1),
        costs,
        "after a refused lease, each send asks for its own cost");
    for (int i = 1; i < answers.size(); i++)
      answers.get(i).complete(i <= 2 ? RateDecision.ALLOWED : RateDecision.refused(1000));
    assertEquals(2, sends.stream().filter(LeasingSendRateLimiterTest::allowed).count());
  }

  /**
   * A shared limiter that answers when the test completes its answers, recording each cost asked.
   */
  private static final class SlowShared implements SendRateLimiter {
    final List<CompletableFuture<RateDecision>> answers = new ArrayList<>();
    final List<Integer> costs = new ArrayList<>();

    @Override
    public CompletionStage<RateDecision> acquire(App app, int cost) {
      CompletableFuture<RateDecision> answer = new CompletableFuture<>();
      answers.add(answer);
      costs.add(cost);
      return answer;
    }
  }
}
