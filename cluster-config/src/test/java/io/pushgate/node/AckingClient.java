package io.pushgate.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that behaves as the protocol asks: acks every push (cumulatively), records what it
 * received, checks that seqs on one connection strictly increase, and reports when its socket
 * closes so the test can reconnect it (through dispatch). Thread-safe.
 */
final class AckingClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  final String user;
  final Set<String> received = ConcurrentHashMap.newKeySet();
  final AtomicInteger pushes = new AtomicInteger();
  final List<String> orderViolations = new CopyOnWriteArrayList<>();

  /** Every seq received (redeliveries of these may repeat them). */
  private final java.util.Set<Long> seenSeqs = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Every push received, in order, tagged with the {@link #epoch} at receipt. */
  final List<Received> log = new CopyOnWriteArrayList<>();

  /** Set by the test to tell pushes before and after an event (e.g. a node restart) apart. */
  volatile int epoch;

  record Received(int epoch, long seq, String id) {}

  private volatile CompletableFuture<Void> closed = CompletableFuture.completedFuture(null);
  private volatile WebSocket socket;

  /** The JDK client allows one outstanding send at a time: sends are chained. */
  private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

  AckingClient(String user) {
    this.user = user;
  }

  boolean connected() {
    return !closed.isDone();
  }

  /** Connects to {@code endpoint}, says hello and waits for welcome; false if that failed. */
  boolean connect(String endpoint, String token) {
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    CompletableFuture<Void> closedNow = new CompletableFuture<>();
    AtomicLong lastSeq = new AtomicLong();
    StringBuilder partial = new StringBuilder();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public void onOpen(WebSocket ws) {
            ws.request(1);
          }

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              onFrame(ws, partial.toString(), welcomed, lastSeq);
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closedNow.complete(null);
            welcomed.completeExceptionally(new IllegalStateException("closed " + code));
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closedNow.complete(null);
            welcomed.completeExceptionally(error);
          }
        };
    try {
      closed = closedNow;
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(URI.create(endpoint), listener)
              .get(10, TimeUnit.SECONDS);
      send(socket, "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"" + token + "\",\"hb\":30}");
      welcomed.get(20, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      closedNow.complete(null);
      if (socket != null) socket.abort();
      return false;
    }
  }

  private void onFrame(
      WebSocket ws, String text, CompletableFuture<Void> welcomed, AtomicLong lastSeq) {
    try {
      JsonNode frame = JSON.readTree(text);
      switch (frame.path("t").asText()) {
        case "welcome" -> welcomed.complete(null);
        case "push" -> {
          long seq = frame.path("seq").asLong();
          // a redelivery (a seq this client had, e.g. its ack was not written yet when the
          // session's
          // node died: lazy acks, docs/protocol.md) may repeat; a seq never seen must come in order
          if (seq <= lastSeq.get() && !seenSeqs.contains(seq)) {
            orderViolations.add(user + ": seq " + seq + " after " + lastSeq.get());
          }
          seenSeqs.add(seq);
          lastSeq.set(seq);
          received.add(frame.path("id").asText());
          log.add(new Received(epoch, seq, frame.path("id").asText()));
          pushes.incrementAndGet();
          send(ws, "{\"t\":\"ack\",\"seq\":" + seq + "}");
        }
        default -> {}
      }
    } catch (Exception e) {
      orderViolations.add(user + ": unparseable frame " + text);
    }
  }

  private synchronized void send(WebSocket ws, String text) {
    sends = sends.handle((r, e) -> null).thenCompose(v -> ws.sendText(text, true));
  }

  void abort() {
    if (socket != null) socket.abort();
  }
}
