package io.pushgate.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalTokenBucketTest {

  private static final long MS = 1_000_000L;

  @Test
  void admitsTheBurstThenTheRate() {
    LocalTokenBucket bucket = new LocalTokenBucket(1_000, 100, 0);
    assertTrue(bucket.acquire(100, 0).allowed());
    assertFalse(bucket.acquire(1, 0).allowed());
    assertEquals(5, admitted(bucket, 5 * MS, 10), "1,000/s for 5 ms");
  }

  /** Seen in ApiBurstTest: threads read the clock, then queue on the lock in another order. */
  @Test
  void aClockReadOutOfOrderAdmitsNoMoreThanTheRate() {
    LocalTokenBucket bucket = new LocalTokenBucket(1_000, 100, 0);
    assertTrue(bucket.acquire(100, 0).allowed());
    int admitted =
        admitted(bucket, 5 * MS, 10) + admitted(bucket, 2 * MS, 10) + admitted(bucket, 5 * MS, 10);
    assertEquals(5, admitted, "5 ms at 1,000/s, however the calls are ordered");
  }

  @Test
  void aRefusalSaysWhenTheTokensWillBeThere() {
    LocalTokenBucket bucket = new LocalTokenBucket(100, 10, 0);
    assertTrue(bucket.acquire(10, 0).allowed());
    RateDecision refused = bucket.acquire(2, 0);
    assertFalse(refused.allowed());
    assertEquals(20, refused.retryAfterMillis(), "2 tokens at 100/s");
  }

  private static int admitted(LocalTokenBucket bucket, long nowNanos, int tries) {
    int admitted = 0;
    for (int i = 0; i < tries; i++) if (bucket.acquire(1, nowNanos).allowed()) admitted++;
    return admitted;
  }
}
