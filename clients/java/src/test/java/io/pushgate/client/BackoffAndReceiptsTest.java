package io.pushgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffAndReceiptsTest {

  @Test
  void backoffGrowsByItsFactorUpToItsMaximumWithJitterAroundIt() {
    Backoff b = new Backoff(1000, 2, 0.5, 5000);
    assertEquals(Duration.ofMillis(1000), b.delay(0, () -> 0.5));
    assertEquals(Duration.ofMillis(4000), b.delay(2, () -> 0.5));
    assertEquals(Duration.ofMillis(5000), b.delay(10, () -> 0.5), "capped");
    assertEquals(Duration.ofMillis(500), b.delay(0, () -> 0.0), "-50 %");
    assertEquals(Duration.ofMillis(1500), b.delay(0, () -> 1.0), "+50 %");
  }

  @Test
  void terminalCodesStopAndInvalidTokenRetriesOnlyWithATokenSource() {
    for (int code : new int[] {1002, 1007, 1008, 1009, 4101, 4102, 4103, 4104})
      assertFalse(CloseCodes.shouldReconnect(code, true), "" + code);
    for (int code : new int[] {1001, 1006, 1011, 1013, 4000, 4001, 4002, 4003, 4004})
      assertTrue(CloseCodes.shouldReconnect(code, false), "" + code);
    assertFalse(CloseCodes.shouldReconnect(4100, false));
    assertTrue(CloseCodes.shouldReconnect(4100, true));
  }

  @Test
  void duplicatesBySeqAndBseqArePerAppAndStillCountTowardsTheAck() {
    Receipts r = new Receipts();
    assertTrue(r.received("demo", 1, 0));
    assertTrue(r.received("demo", 2, 0));
    assertFalse(r.received("demo", 2, 0), "redelivered seq");
    assertFalse(r.received("demo", 1, 0));
    assertTrue(r.received("news", 1, 0), "another app has its own seq");
    assertTrue(r.received("demo", 0, 1), "broadcasts have their own cursor");
    assertFalse(r.received("demo", 0, 1));
    assertEquals(6, r.cursor("demo").unacked, "duplicates are acked too");
    assertEquals(2, r.cursor("demo").seq);
  }
}
