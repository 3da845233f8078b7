package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatPolicyTest {

  private final HeartbeatPolicy policy = new HeartbeatPolicy(30, 10, 300, 2.5);

  @Test
  void clampsProposalsToBounds() {
    assertEquals(30, policy.negotiate(null));
    assertEquals(10, policy.negotiate(1));
    assertEquals(10, policy.negotiate(0));
    assertEquals(10, policy.negotiate(-5));
    assertEquals(45, policy.negotiate(45));
    assertEquals(300, policy.negotiate(301));
    assertEquals(300, policy.negotiate(Integer.MAX_VALUE));
  }

  @Test
  void silenceTimeoutIsFactorTimesInterval() {
    assertEquals(Duration.ofSeconds(75), policy.silenceTimeout(30));
    assertEquals(Duration.ofMillis(2500), new HeartbeatPolicy(1, 1, 2, 2.5).silenceTimeout(1));
  }

  @Test
  void rejectsInconsistentBounds() {
    assertThrows(IllegalArgumentException.class, () -> new HeartbeatPolicy(30, 0, 300, 2.5));
    assertThrows(IllegalArgumentException.class, () -> new HeartbeatPolicy(30, 40, 35, 2.5));
    assertThrows(IllegalArgumentException.class, () -> new HeartbeatPolicy(5, 10, 300, 2.5));
    assertThrows(IllegalArgumentException.class, () -> new HeartbeatPolicy(30, 10, 300, 1.0));
  }
}
