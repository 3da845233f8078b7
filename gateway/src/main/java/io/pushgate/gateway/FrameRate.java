package io.pushgate.gateway;

/**
 * How many frames a client may send: {@code rate} per second on average, bursts of {@code burst} (a
 * token bucket's refill and size). Used for all client frames ({@code
 * pushgate.gateway.inbound-rate} / {@code inbound-burst}, defaults 50 and 100) and for upstream
 * messages ({@code pushgate.gateway.upstream.rate} / {@code burst}).
 */
public record FrameRate(int rate, int burst) {
  public FrameRate {
    if (rate < 1 || burst < 1) throw new IllegalArgumentException("rate and burst must be >= 1");
  }
}
