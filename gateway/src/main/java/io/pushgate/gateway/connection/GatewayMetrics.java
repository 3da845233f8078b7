package io.pushgate.gateway.connection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one gateway server ({@code GatewayServer#metrics()}). Thread-safe; read them for monitoring and tests. Counts
 * are since the server started.
 */
public final class GatewayMetrics {

  public GatewayMetrics() {}

  public final AtomicInteger openConnections = new AtomicInteger();
  public final LongAdder acceptedConnections = new LongAdder();
  public final LongAdder rejectedConnections = new LongAdder();
  public final LongAdder droppedQos0 = new LongAdder();
  public final LongAdder slowConsumerCloses = new LongAdder();
  public final LongAdder heartbeatTimeouts = new LongAdder();
  public final LongAdder reattaches = new LongAdder();
  public final LongAdder rateLimitedCloses = new LongAdder();
  public final LongAdder protocolViolationCloses = new LongAdder();
  public final LongAdder httpRequestTimeouts = new LongAdder();
  public final LongAdder refusedBySource = new LongAdder();

  /** WebSocket upgrades refused by the access policy (lists, per-source limits). */
  public long refusedBySource() {
    return refusedBySource.sum();
  }

  /** WebSocket connections currently counted against {@code max-connections}. */
  public int openConnections() {
    return openConnections.get();
  }

  /** WebSocket upgrades accepted. */
  public long acceptedConnections() {
    return acceptedConnections.sum();
  }

  /** WebSocket upgrades refused with 503 because of {@code max-connections}. */
  public long rejectedConnections() {
    return rejectedConnections.sum();
  }

  /** QoS 0 pushes dropped because their connection was not writable. */
  public long droppedQos0() {
    return droppedQos0.sum();
  }

  /** Connections closed with 4002. */
  public long slowConsumerCloses() {
    return slowConsumerCloses.sum();
  }

  /** Connections closed with 4001. */
  public long heartbeatTimeouts() {
    return heartbeatTimeouts.sum();
  }

  /** Re-attaches after the session actor terminated (rebalance, passivation, node loss). */
  public long reattaches() {
    return reattaches.sum();
  }

  /** Connections closed with 4004 (more frames than {@code inbound-rate}/{@code inbound-burst}). */
  public long rateLimitedCloses() {
    return rateLimitedCloses.sum();
  }

  /** Connections closed with 1002, 1007 or 1009 (broken framing, invalid UTF-8, oversize). */
  public long protocolViolationCloses() {
    return protocolViolationCloses.sum();
  }

  /** HTTP connections answered 408 because a request did not arrive within {@code http-request-read-timeout}. */
  public long httpRequestTimeouts() {
    return httpRequestTimeouts.sum();
  }

  /** Connection-limit bookkeeping: reserve one slot; false when the node is full. */
  public boolean tryReserveConnection(int max) {
    while (true) {
      int current = openConnections.get();
      if (current >= max) return false;
      if (openConnections.compareAndSet(current, current + 1)) return true;
    }
  }

  public void releaseConnection() {
    openConnections.decrementAndGet();
  }
}
