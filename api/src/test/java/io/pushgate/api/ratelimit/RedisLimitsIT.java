package io.pushgate.api.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.api.idempotency.Claim;
import io.pushgate.api.idempotency.RedisIdempotencyStore;
import io.pushgate.api.idempotency.StoredResponse;
import io.pushgate.model.App;
import io.pushgate.model.AppLimits;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.persistence.redis.RedisConnection;
import io.pushgate.persistence.redis.RedisSettings;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Against the real Redis on 127.0.0.1:6379: the Lua token bucket shared by two limiters (two
 * nodes), idempotency keys shared by two stores, and the fallback when Redis is unreachable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisLimitsIT {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final RedisSettings REDIS =
      new RedisSettings(true, "redis://127.0.0.1:6379", Duration.ofSeconds(2));
  private static final RedisSettings DEAD =
      new RedisSettings(true, "redis://127.0.0.1:1", Duration.ofMillis(200));

  private final RedisConnection nodeA = new RedisConnection(REDIS);
  private final RedisConnection nodeB = new RedisConnection(REDIS);
  private final RedisConnection dead = new RedisConnection(DEAD);

  @AfterAll
  void close() {
    nodeA.close();
    nodeB.close();
    dead.close();
  }

  private static App app(String id, int rate, int burst) {
    return new App(
        id,
        "key",
        "redis-it-token-secret-0123456789abcdef",
        false,
        new AppLimits(
            Duration.ofHours(1), Duration.ofHours(2), OverflowPolicy.REJECT, rate, burst));
  }

  private static RateDecision get(CompletionStage<RateDecision> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void bucketIsSharedByAllNodesAndRefills() throws Exception {
    App app = app("bucket-" + RUN, 2, 3);
    RedisSendRateLimiter a = new RedisSendRateLimiter(nodeA, "pushgate-it:rate:");
    RedisSendRateLimiter b = new RedisSendRateLimiter(nodeB, "pushgate-it:rate:");
    assertTrue(get(a.acquire(app, 3)).allowed(), "the burst");
    RateDecision refused = get(b.acquire(app, 1));
    assertFalse(refused.allowed(), "node B sees node A's spending");
    assertTrue(
        refused.retryAfterMillis() > 0 && refused.retryAfterMillis() <= 500,
        "retry after " + refused);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(b.acquire(app, 1)).allowed());
    assertFalse(a.degraded());
    assertFalse(refused.servedLocally());
  }

  @Test
  void unreachableRedisFallsBackToALocalBucketAndCountsExactly() throws Exception {
    App app = app("fallback-" + RUN, 1, 5);
    RedisSendRateLimiter limiter = new RedisSendRateLimiter(dead, "pushgate-it:rate:");
    DegradedAdmissions counted = new DegradedAdmissions(limiter);
    assertTrue(get(counted.acquire(app, 2)).allowed());
    assertTrue(limiter.degraded());
    assertTrue(get(counted.acquire(app, 3)).allowed());
    assertFalse(get(counted.acquire(app, 3)).allowed(), "the local bucket enforces the same limit");
    assertEquals(5, counted.admittedWhileDegraded());
  }

  /**
   * Issue 14, defect 5: with leases on top (as a node runs it), the count is of recipients
   * admitted, not of lease tokens taken from the fallback, even when most of each lease expires
   * unused (sends further apart than lease-ttl).
   */
  @Test
  void leasedSendsWhileRedisIsUnreachableAreCountedExactly() throws Exception {
    App app = app("leased-" + RUN, 10_000, 10_000); // lease size 100
    RedisSendRateLimiter limiter = new RedisSendRateLimiter(dead, "pushgate-it:rate:");
    AtomicLong now = new AtomicLong();
    LeasingSendRateLimiter leasing =
        new LeasingSendRateLimiter(limiter, 100, Duration.ofMillis(100), now::get);
    DegradedAdmissions counted = new DegradedAdmissions(leasing);
    for (int i = 0; i < 600; i++) {
      if (i % 10 == 0)
        now.addAndGet(Duration.ofMillis(150).toNanos()); // the lease expired meanwhile
      RateDecision decision = get(counted.acquire(app, 1));
      assertTrue(decision.allowed() && decision.servedLocally(), "send " + i + ": " + decision);
    }
    assertTrue(limiter.degraded());
    assertEquals(600, counted.admittedWhileDegraded());
  }

  @Test
  void idempotencyKeysAreSharedByAllNodes() throws Exception {
    RedisIdempotencyStore a =
        new RedisIdempotencyStore(
            nodeA, "pushgate-it:idem:", Duration.ofMinutes(5), Duration.ofSeconds(30));
    RedisIdempotencyStore b =
        new RedisIdempotencyStore(
            nodeB, "pushgate-it:idem:", Duration.ofMinutes(5), Duration.ofSeconds(30));
    String key = "k-" + RUN;
    assertInstanceOf(
        Claim.Fresh.class,
        a.claim("demo", key, "h1").toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(
        Claim.InProgress.class,
        b.claim("demo", key, "h1").toCompletableFuture().get(10, TimeUnit.SECONDS));
    a.complete("demo", key, "h1", new StoredResponse(202, "{\"id\":\"m1\"}"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    Claim replay = b.claim("demo", key, "h1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(new Claim.Replay(new StoredResponse(202, "{\"id\":\"m1\"}")), replay);
    assertInstanceOf(
        Claim.Reused.class,
        b.claim("demo", key, "h2").toCompletableFuture().get(10, TimeUnit.SECONDS));
    b.release("demo", key).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void idempotencyStoreFailsWhenRedisIsUnreachable() {
    RedisIdempotencyStore store =
        new RedisIdempotencyStore(
            dead, "pushgate-it:idem:", Duration.ofMinutes(5), Duration.ofSeconds(30));
    assertThrows(
        Exception.class,
        () -> store.claim("demo", "k", "h").toCompletableFuture().get(10, TimeUnit.SECONDS));
  }
}
