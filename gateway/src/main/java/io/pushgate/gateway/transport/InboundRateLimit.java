package io.pushgate.gateway.transport;

/**
 * A token bucket on the frames one client may send: {@code rate} per second, bursts of
 * {@code burst}. Confined to the connection's event loop (not thread-safe, no allocation per
 * frame). Every client frame costs one token, WebSocket pings included.
 */
public final class InboundRateLimit {

  /**
   * {@code pushgate.gateway.inbound-rate} / {@code inbound-burst}.
   *
   * @param rate  frames per second a client may send on average (default 50)
   * @param burst frames a client may send at once (default 100)
   */
  public record Settings(int rate, int burst) {
    public Settings {
      if (rate < 1 || burst < 1) throw new IllegalArgumentException("inbound-rate and inbound-burst must be >= 1");
    }
  }

  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  InboundRateLimit(Settings settings, long nowNanos) {
    this.perNano = settings.rate() / 1e9;
    this.burst = settings.burst();
    this.tokens = settings.burst();
    this.last = nowNanos;
  }

  /** Takes one token; false if the client is over its limit. */
  boolean tryAcquire(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
