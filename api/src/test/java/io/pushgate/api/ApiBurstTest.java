package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.model.App;
import io.pushgate.model.AppLimits;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.OverflowPolicy;
import io.pushgate.session.SessionSharding;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A burst as backends make it (issue 23): 2,000 single-recipient sends at once, each on its own
 * connection (as Node's fetch in {@code Promise.all} or a PHP fleet does), to the real API on the
 * real listener over a real session sharding. Every request gets an HTTP answer with a documented
 * status (202, or 429 / 503 with {@code Retry-After}) within the documented time, and no connection
 * is reset or left unanswered. With a small per-app rate, no more are admitted than the rate
 * allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBurstTest {

  private static final int CONNECTIONS = 2000;

  /**
   * docs/api.md, "Bursts": a request in a burst that fits backlog + max-connections is answered
   * within this.
   */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

  private static final int SLOW_RATE = 100;
  private static final int SLOW_BURST = 200;

  private ActorTestKit testKit;
  private ApiServer server;

  @BeforeAll
  void start() throws Exception {
    testKit = SingleNodeTestKit.start("ApiBurstTest", "");
    App open = new App("burst", "burst-key", "burst-test-token-secret-0123456789abcdef", false);
    App slow =
        new App(
            "slow",
            "slow-key",
            "slow-test-token-secret-0123456789abcdefgh",
            false,
            new AppLimits(
                Duration.ofHours(1),
                Duration.ofDays(1),
                OverflowPolicy.REJECT,
                SLOW_RATE,
                SLOW_BURST));
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes =
        TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(open, slow)));
    server =
        ApiServer.start(testKit.system(), routes.route(), routes.directSends())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    burst("burst", "burst-key", 50); // warm-up: shards allocated, code paths loaded
  }

  @AfterAll
  void stop() {
    if (testKit != null) testKit.shutdownTestKit();
  }

  @Test
  void everyRequestOfABurstGetsADocumentedAnswerInTime() throws Exception {
    Burst result = burst("burst", "burst-key", CONNECTIONS);
    System.out.println("burst of " + CONNECTIONS + ": " + result);
    assertEquals(List.of(), result.failures(), "every connection answered, none reset or silent");
    assertTrue(result.slowest().compareTo(ANSWER_WITHIN) < 0, "slowest answer " + result.slowest());
    for (var entry : result.statuses().entrySet()) {
      assertTrue(
          List.of(202, 429, 503).contains(entry.getKey()),
          "documented status " + result.statuses());
    }
    assertEquals(
        result.statuses().getOrDefault(429, 0) + result.statuses().getOrDefault(503, 0),
        result.retryAfter(),
        "every 429 and 503 carries Retry-After");
    assertTrue(
        result.statuses().getOrDefault(202, 0) >= CONNECTIONS * 9 / 10,
        "a burst within the limits is served, not refused: " + result.statuses());
  }

  @Test
  void theAppsSendRateHoldsDuringABurst() throws Exception {
    long start = System.nanoTime();
    Burst result = burst("slow", "slow-key", CONNECTIONS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println(
        "burst of " + CONNECTIONS + " at " + SLOW_RATE + "/s: " + result + " in " + seconds + " s");
    assertEquals(List.of(), result.failures());
    int accepted = result.statuses().getOrDefault(202, 0);
    int limited = result.statuses().getOrDefault(429, 0);
    assertTrue(
        accepted <= SLOW_BURST + SLOW_RATE * seconds + 1,
        accepted + " accepted in " + seconds + " s at " + SLOW_RATE + "/s, burst " + SLOW_BURST);
    assertTrue(limited > 0, "the rest is refused 429: " + result.statuses());
    assertEquals(
        CONNECTIONS,
        accepted + limited + result.statuses().getOrDefault(503, 0),
        "only 202, 429, 503: " + result.statuses());
    assertEquals(
        limited + result.statuses().getOrDefault(503, 0),
        result.retryAfter(),
        "every refusal carries Retry-After");
  }

  // ---- a burst client: one non-blocking connection per request, all opened at once ----

  record Burst(
      Map<Integer, Integer> statuses, int retryAfter, List<String> failures, Duration slowest) {}

  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");

  private Burst burst(String app, String key, int n) throws IOException {
    InetSocketAddress address = server.localAddress();
    SocketAddress target = new InetSocketAddress("127.0.0.1", address.getPort());
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int retryAfter = 0;
    long slowest = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < n; i++) {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        String body =
            "{\"to\":[\"" + app + "-user-" + i + "\"],\"qos\":0,\"data\":{\"i\":" + i + "}}";
        String request =
            "POST /v1/apps/"
                + app
                + "/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + key
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body;
        Exchange exchange =
            new Exchange(
                ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)), System.nanoTime());
        channel.connect(target);
        channel.register(selector, SelectionKey.OP_CONNECT, exchange);
      }
      int open = n;
      while (open > 0 && System.nanoTime() < deadline) {
        selector.select(1000);
        for (SelectionKey k : selector.selectedKeys()) {
          SocketChannel channel = (SocketChannel) k.channel();
          Exchange exchange = (Exchange) k.attachment();
          try {
            if (k.isConnectable() && channel.finishConnect()) k.interestOps(SelectionKey.OP_WRITE);
            if (k.isValid() && k.isWritable()) {
              channel.write(exchange.request);
              if (!exchange.request.hasRemaining()) k.interestOps(SelectionKey.OP_READ);
            }
            if (k.isValid() && k.isReadable()) {
              ByteBuffer buf = ByteBuffer.allocate(4096);
              int read = channel.read(buf);
              if (read > 0)
                exchange.response.append(
                    new String(buf.array(), 0, read, StandardCharsets.ISO_8859_1));
              if (read < 0) {
                k.cancel();
                channel.close();
                open--;
                slowest = Math.max(slowest, System.nanoTime() - exchange.started);
                Matcher m = STATUS.matcher(exchange.response);
                if (!m.find()) {
                  failures.add("no HTTP answer: " + exchange.response);
                } else {
                  statuses.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
                  if (exchange.response.toString().contains("\r\nRetry-After: ")) retryAfter++;
                }
              }
            }
          } catch (IOException e) {
            k.cancel();
            channel.close();
            open--;
            failures.add(e.toString());
          }
        }
        selector.selectedKeys().clear();
      }
      if (open > 0) failures.add(open + " connections unanswered after 60 s");
      for (SelectionKey k : selector.keys()) k.channel().close();
    }
    return new Burst(statuses, retryAfter, failures, Duration.ofNanos(slowest));
  }

  private static final class Exchange {
    final ByteBuffer request;
    final long started;
    final StringBuilder response = new StringBuilder();

    Exchange(ByteBuffer request, long started) {
      this.request = request;
      this.started = started;
    }
  }
}
