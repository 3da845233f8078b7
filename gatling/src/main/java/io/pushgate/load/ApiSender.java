package io.pushgate.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-model backend: keeps {@code concurrency} send requests in flight for
 * {@code seconds}, each to one random user {@code <prefix>0..users-1}, with {@code {"ts":now}} as
 * data, and prints accepted messages per second. At saturation this measures the node's
 * throughput without the overload collapse an open model produces.
 *
 * <pre>java -cp ... io.pushgate.load.ApiSender http://127.0.0.1:8080 prefix users qos concurrency seconds</pre>
 */
public final class ApiSender {

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String prefix = args[1];
    int users = Integer.parseInt(args[2]);
    int qos = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    int seconds = Integer.parseInt(args[5]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create(base + "/v1/apps/demo/messages");
    Semaphore slots = new Semaphore(concurrency);
    LongAdder accepted = new LongAdder();
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    AtomicLong sent = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long start = System.nanoTime();
    long nextReport = start + 5_000_000_000L;
    long lastAccepted = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      String body =
          "{\"to\":[\"" + prefix + ThreadLocalRandom.current().nextInt(users) + "\"],\"qos\":" + qos
              + ",\"data\":{\"ts\":" + System.currentTimeMillis() + "}}";
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + DemoTokens.API_KEY)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      sent.incrementAndGet();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) -> {
                slots.release();
                if (error == null && response.statusCode() == 202) {
                  accepted.increment();
                } else {
                  String key = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
                  failures.computeIfAbsent(key, k -> new LongAdder()).increment();
                }
              });
      long now = System.nanoTime();
      if (now > nextReport) {
        long a = accepted.sum();
        System.out.printf("accepted/s %.0f  failures %s%n", (a - lastAccepted) / 5.0, failures);
        lastAccepted = a;
        nextReport += 5_000_000_000L;
      }
    }
    slots.acquire(concurrency);
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "SUMMARY sent=%d accepted=%d acceptedPerSec=%.0f failures=%s concurrency=%d%n",
        sent.get(), accepted.sum(), accepted.sum() / elapsed, failures, concurrency);
    System.exit(0);
  }
}
