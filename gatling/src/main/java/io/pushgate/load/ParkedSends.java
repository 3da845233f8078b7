package io.pushgate.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * What a message to a connected user whose session is parked costs (docs/benchmarks.md, issue 28):
 * N acking clients connect and stay idle until the node's {@code pushgate_sessions_parked_total}
 * says every session parked; then one QoS 1 message goes to each user (500 recipients per request)
 * and the run waits until every client has it. The same send follows at once, to the same sessions
 * now awake. Alternated for {@code rounds} rounds; each prints the wall time until every client had
 * its message and the node's CPU per message (from {@code /proc/<nodePid>/stat}).
 *
 * <pre>
 * java -cp ... io.pushgate.load.ParkedSends ws-host:port api-host:port metrics-url nodePid prefix users [rounds=2]
 * </pre>
 */
public final class ParkedSends {

  private ParkedSends() {}

  public static void main(String[] args) throws Exception {
    String target = args[0];
    String api = args[1];
    String metricsUrl = args[2];
    long nodePid = Long.parseLong(args[3]);
    String prefix = args[4];
    int users = Integer.parseInt(args[5]);
    int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 2;
    try (WsClients clients =
        new WsClients(
            new WsClients.Options(
                WsClients.targets(target), WsClients.sourcesFor(users), 300, 200))) {
      double parkedBefore = parkedTotal(metricsUrl);
      clients.connect(prefix, 0, users);
      System.out.printf("connected %d, failed %d%n", clients.welcomed.sum(), clients.failed.sum());
      for (int round = 1; round <= rounds; round++) {
        double target0 = parkedBefore + (double) round * users;
        long waitStart = System.nanoTime();
        while (parkedTotal(metricsUrl) < target0
            && System.nanoTime() - waitStart < TimeUnit.MINUTES.toNanos(5)) {
          Thread.sleep(500); // polling the node's counter, not synchronisation
        }
        System.out.printf(
            "round %d: %.0f sessions parked (of %d) after %.1f s%n",
            round,
            parkedTotal(metricsUrl) - parkedBefore - (double) (round - 1) * users,
            users,
            (System.nanoTime() - waitStart) / 1e9);
        measure("parked", round, api, prefix, users, clients, nodePid);
        measure("awake", round, api, prefix, users, clients, nodePid);
      }
    }
    System.exit(0);
  }

  private static void measure(
      String kind, int round, String api, String prefix, int users, WsClients clients, long nodePid)
      throws Exception {
    long pushesBefore = clients.pushes.sum();
    long cpu0 = ProcessCpu.micros(nodePid);
    long start = System.nanoTime();
    long accepted = BulkSends.toEveryUser(api, prefix, users, 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (clients.pushes.sum() - pushesBefore < users && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling a benchmark counter, not synchronisation
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpuMs = (ProcessCpu.micros(nodePid) - cpu0) / 1000;
    long received = clients.pushes.sum() - pushesBefore;
    System.out.printf(
        "PARKED kind=%s round=%d users=%d accepted=%d received=%d allDeliveredMs=%.0f nodeCpuUsPerMsg=%d%n",
        kind,
        round,
        users,
        accepted,
        received,
        seconds * 1000,
        cpuMs * 1000 / Math.max(1, received));
  }

  private static double parkedTotal(String metricsUrl) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith("pushgate_sessions_parked_total"))
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }
}
