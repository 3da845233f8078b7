package io.pushgate.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A lean load client: holds N WebSocket clients of users {@code <prefix>0..N-1}, says hello,
 * acks every QoS 1 push, and measures end-to-end latency from the {@code ts} (epoch millis) the
 * sender put into each message's data to its arrival. Prints a line every 5 s and a summary.
 *
 * <pre>java -cp ... io.pushgate.load.PushReceivers host:port prefix count seconds [connectParallelism]</pre>
 *
 * One shared JDK HttpClient (one selector thread) carries all sockets.
 */
public final class PushReceivers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Recorder latency = new Recorder(3_600_000L, 3);
  private final Histogram total = new Histogram(3_600_000L, 3);
  private final AtomicLong pushes = new AtomicLong();
  private final AtomicLong welcomed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();

  public static void main(String[] args) throws Exception {
    String hostPort = args[0];
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    new PushReceivers().run(hostPort, prefix, count, seconds, parallelism);
  }

  private void run(String hostPort, String prefix, int count, int seconds, int parallelism) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
    URI uri = URI.create("ws://" + hostPort + "/v1/ws");
    Semaphore inFlight = new Semaphore(parallelism);
    List<WebSocket> sockets = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      String user = prefix + i;
      CompletableFuture<Void> welcome = new CompletableFuture<>();
      welcome.whenComplete((v, e) -> inFlight.release());
      http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .buildAsync(uri, new Client(welcome))
          .whenComplete(
              (ws, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                  welcome.complete(null);
                  return;
                }
                synchronized (sockets) {
                  sockets.add(ws);
                }
                ws.sendText("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"" + DemoTokens.token(user) + "\",\"hb\":300}", true);
              });
    }
    inFlight.acquire(parallelism);
    double connectSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "connected %d of %d in %.1f s (%.0f/s), failed %d%n",
        welcomed.get(), count, connectSeconds, welcomed.get() / connectSeconds, failed.get());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long lastPushes = 0;
    while (System.nanoTime() < end) {
      Thread.sleep(5_000); // a benchmark's reporting interval, not synchronisation
      Histogram interval = latency.getIntervalHistogram();
      total.add(interval);
      long now = pushes.get();
      System.out.printf(
          "pushes/s %.0f  latency ms p50 %d p99 %d p99.9 %d max %d  open %d%n",
          (now - lastPushes) / 5.0,
          interval.getValueAtPercentile(50), interval.getValueAtPercentile(99),
          interval.getValueAtPercentile(99.9), interval.getMaxValue(), welcomed.get() - closed.get());
      lastPushes = now;
    }
    total.add(latency.getIntervalHistogram());
    System.out.printf(
        "SUMMARY connected=%d connectPerSec=%.0f pushes=%d latencyMs p50=%d p99=%d p99.9=%d max=%d closedByServer=%d%n",
        welcomed.get(), welcomed.get() / connectSeconds, pushes.get(),
        total.getValueAtPercentile(50), total.getValueAtPercentile(99), total.getValueAtPercentile(99.9),
        total.getMaxValue(), closed.get());
    synchronized (sockets) {
      sockets.forEach(WebSocket::abort);
    }
    System.exit(0);
  }

  /** One client: acks every push (one send at a time, as the JDK client requires). */
  private final class Client implements WebSocket.Listener {
    private final CompletableFuture<Void> welcome;
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

    Client(CompletableFuture<Void> welcome) {
      this.welcome = welcome;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        onFrame(ws, partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    private void onFrame(WebSocket ws, String text) {
      try {
        JsonNode frame = JSON.readTree(text);
        String t = frame.path("t").asText();
        if (t.equals("welcome")) {
          welcomed.incrementAndGet();
          welcome.complete(null);
        } else if (t.equals("push")) {
          pushes.incrementAndGet();
          long ts = frame.path("data").path("ts").asLong(0);
          if (ts > 0) latency.recordValue(Math.max(0, System.currentTimeMillis() - ts));
          if (frame.path("qos").asInt() == 1) {
            long seq = frame.path("seq").asLong();
            sends = sends.handle((r, e) -> null).thenCompose(v -> ws.sendText("{\"t\":\"ack\",\"seq\":" + seq + "}", true));
          }
        }
      } catch (Exception e) {
        failed.incrementAndGet();
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.incrementAndGet();
      welcome.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      failed.incrementAndGet();
      welcome.complete(null);
    }
  }
}
