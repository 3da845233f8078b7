package io.pushgate.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket of a {@link PushgateClient} and its state: its sends are chained (the JDK allows
 * one outstanding send), at most {@code max} waiting; beyond that {@link #send} answers false. Its
 * fields are the client thread's; {@link #send} may complete on the JDK's threads.
 */
final class ClientSocket {
  private final int max;
  WebSocket ws;
  boolean welcomed;
  long openedAtNanos;
  long lastHeardNanos = System.nanoTime();
  private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);
  private final AtomicInteger queued = new AtomicInteger();

  ClientSocket(int max) {
    this.max = max;
  }

  boolean send(String text) {
    if (ws == null || queued.get() >= max) return false;
    queued.incrementAndGet();
    WebSocket socket = ws;
    sends =
        sends
            .handle((x, e) -> null)
            .thenCompose(x -> socket.sendText(text, true))
            .whenComplete((x, e) -> queued.decrementAndGet());
    return true;
  }

  void close(int code, String reason) {
    if (ws == null) return;
    WebSocket socket = ws;
    sends.handle((x, e) -> null).thenCompose(x -> socket.sendClose(code, reason));
  }

  void abort() {
    if (ws != null) ws.abort();
  }
}
