package io.pushgate.gateway.connection;

import io.pushgate.gateway.FrameRate;

/**
 * A token bucket on the frames one client may send: {@code rate} per second, bursts of {@code
 * burst}. Confined to the connection's event loop (not thread-safe, no allocation per frame). Every
 * client frame costs one token, WebSocket pings included, except acks of pushes the server sent:
 * each QoS 1 push grants one ack credit (at most {@link #MAX_ACK_CREDIT} held), and an ack spends a
 * credit before it would spend a token. So a client that acks every push is never closed for it,
 * however fast a backlog is redelivered, while acks beyond what was sent are rate-limited like any
 * frame.
 */
public final class InboundRateLimit {

  /** Ack credits one connection may hold (pushes sent and not yet acked, counted). */
  static final int MAX_ACK_CREDIT = 4096;

  private final double perNano;
  private int ackCredit;
  private final double burst;
  private double tokens;
  private long last;

  InboundRateLimit(FrameRate settings, long nowNanos) {
    this.perNano = settings.rate() / 1e9;
    this.burst = settings.burst();
    this.tokens = settings.burst();
    this.last = nowNanos;
  }

  /** A push that asks for an ack was sent: its ack will be free. */
  void grantAckCredit() {
    if (ackCredit < MAX_ACK_CREDIT) ackCredit++;
  }

  /** Spends one ack credit; false if there is none (then the ack costs a token). */
  boolean tryUseAckCredit() {
    if (ackCredit == 0) return false;
    ackCredit--;
    return true;
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
