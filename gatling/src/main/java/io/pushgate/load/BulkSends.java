package io.pushgate.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * QoS 1 messages to every user of a load run ({@code prefix0 .. prefix(users-1)}) through the
 * backend API.
 */
final class BulkSends {

  private static final int RECIPIENTS_PER_REQUEST = 500;

  private BulkSends() {}

  /** Sends {@code perUser} QoS 1 messages to every user, 500 recipients per request. */
  static long toEveryUser(String target, String prefix, int users, int perUser) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://" + target + "/v1/apps/demo/messages");
    LongAdder accepted = new LongAdder();
    for (int k = 0; k < perUser; k++) {
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      for (int from = 0; from < users; from += RECIPIENTS_PER_REQUEST) {
        String to =
            IntStream.range(from, Math.min(users, from + RECIPIENTS_PER_REQUEST))
                .mapToObj(i -> "\"" + prefix + i + "\"")
                .collect(Collectors.joining(","));
        String body =
            "{\"to\":[" + to + "],\"qos\":1,\"data\":{\"ts\":" + System.currentTimeMillis() + "}}";
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + DemoTokens.API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int recipients = Math.min(users, from + RECIPIENTS_PER_REQUEST) - from;
        batch.add(
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenAccept(
                    r -> {
                      if (r.statusCode() == 202) {
                        accepted.add(recipients);
                      } else {
                        System.out.println("send failed: HTTP " + r.statusCode() + " " + r.body());
                      }
                    }));
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
    }
    return accepted.sum();
  }
}
