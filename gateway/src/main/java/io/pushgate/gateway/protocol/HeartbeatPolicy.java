package io.pushgate.gateway.protocol;

import java.time.Duration;

/**
 * Heartbeat negotiation. The client proposes an interval in hello ({@code hb}, seconds); the server
 * answers the clamped value in welcome. The client must send something (any frame, including {@code
 * ping} or a WebSocket ping) at least every hb seconds; after {@code timeoutFactor x hb} seconds of
 * silence the server closes with 4001.
 *
 * @param defaultSeconds used when the client proposes nothing
 * @param minSeconds lower clamp (at least 1)
 * @param maxSeconds upper clamp (at least {@code minSeconds})
 * @param timeoutFactor silence allowed, in heartbeat intervals (greater than 1)
 */
public record HeartbeatPolicy(
    int defaultSeconds, int minSeconds, int maxSeconds, double timeoutFactor) {

  public HeartbeatPolicy {
    if (minSeconds < 1) throw new IllegalArgumentException("heartbeat min must be >= 1 s");
    if (maxSeconds < minSeconds) throw new IllegalArgumentException("heartbeat max must be >= min");
    if (defaultSeconds < minSeconds || defaultSeconds > maxSeconds) {
      throw new IllegalArgumentException("heartbeat default must be within [min, max]");
    }
    if (!(timeoutFactor > 1.0))
      throw new IllegalArgumentException("heartbeat timeout-factor must be > 1");
  }

  /** The interval the server grants for a proposal (null = no proposal). */
  public int negotiate(Integer proposedSeconds) {
    if (proposedSeconds == null) return defaultSeconds;
    return Math.max(minSeconds, Math.min(maxSeconds, proposedSeconds));
  }

  /** How long the server tolerates client silence with the granted interval. */
  public Duration silenceTimeout(int grantedSeconds) {
    return Duration.ofMillis(Math.round(grantedSeconds * 1000.0 * timeoutFactor));
  }
}
