package io.pushgate.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lean local backend for benchmarks (not a test helper): answers every POST at once with 200
 * (upstream requests under {@code /up} with {@code {"reply":{"ok":1}}} when {@code reply} is {@code
 * true}), counts requests and callback events (one per {@code "type":} in a body), and prints a
 * cumulative RECEIVER line every 5 s. Runs in its own process so its CPU is not the node's.
 *
 * <pre>java -cp ... io.pushgate.load.BackendReceiver port seconds [reply=false]</pre>
 */
public final class BackendReceiver {

  private static final byte[] TYPE = "\"type\":".getBytes(StandardCharsets.US_ASCII);

  private BackendReceiver() {}

  public static void main(String[] args) throws Exception {
    // without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK: ~40 ms per answer with a body (measured: 670 instead of 2,000 round trips/s)
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    boolean reply = args.length > 2 && Boolean.parseBoolean(args[2]);
    byte[] replyBody = "{\"reply\":{\"ok\":1}}".getBytes(StandardCharsets.UTF_8);
    LongAdder requests = new LongAdder();
    LongAdder events = new LongAdder();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          requests.increment();
          events.add(count(body));
          boolean up = exchange.getRequestURI().getPath().startsWith("/up");
          byte[] answer = up && reply ? replyBody : new byte[0];
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
          if (answer.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
          exchange.close();
        });
    server.start();
    System.out.println("listening on " + port);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      Thread.sleep(5_000); // a benchmark's reporting interval
      System.out.printf(
          "RECEIVER seconds=%.0f requests=%d events=%d%n",
          (System.nanoTime() - start) / 1e9, requests.sum(), events.sum());
    }
    server.stop(0);
    System.exit(0);
  }

  private static int count(byte[] body) throws IOException {
    int n = 0;
    outer:
    for (int i = 0; i + TYPE.length <= body.length; i++) {
      for (int j = 0; j < TYPE.length; j++) if (body[i + j] != TYPE[j]) continue outer;
      n++;
    }
    return n;
  }
}
