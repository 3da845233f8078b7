package io.pushgate.load;

import java.util.concurrent.TimeUnit;

/**
 * Reconnect storm: N clients connect, all drop at once, the backend sends K QoS 1 messages to each
 * of them while they are offline, then all reconnect at once. Measures the reconnect rate (hello,
 * token check, session attach with pending messages) and the time until every pending message has
 * been redelivered, and checks that each user got at least K pushes (at-least-once).
 *
 * <pre>
 * java -cp ... io.pushgate.load.ReconnectStorm ws-host:port api-host:port prefix users perUser [connectParallelism=200]
 * </pre>
 *
 * Prints one {@code SUMMARY} line; exits 1 if any user is missing a message.
 */
public final class ReconnectStorm {

  private ReconnectStorm() {}

  public static void main(String[] args) throws Exception {
    String target = args[0];
    String api = args[1];
    String prefix = args[2];
    int users = Integer.parseInt(args[3]);
    int perUser = Integer.parseInt(args[4]);
    int parallelism = args.length > 5 ? Integer.parseInt(args[5]) : 200;
    boolean complete;
    try (WsClients clients =
        new WsClients(
            new WsClients.Options(
                WsClients.targets(target), WsClients.sourcesFor(users), 30, parallelism))) {
      clients.connect(prefix, 0, users);
      System.out.printf("connected %d, failed %d%n", clients.welcomed.sum(), clients.failed.sum());
      clients.closeAll();

      long sendStart = System.nanoTime();
      long accepted = BulkSends.toEveryUser(api, prefix, users, perUser);
      System.out.printf(
          "sent %d QoS 1 messages to %d offline users in %.1f s%n",
          accepted, users, (System.nanoTime() - sendStart) / 1e9);

      long welcomedBefore = clients.welcomed.sum();
      long pushesBefore = clients.pushes.sum();
      clients.pushesByUser.clear();
      long start = System.nanoTime();
      clients.connect(prefix, 0, users);
      double reconnectSeconds = (System.nanoTime() - start) / 1e9;
      long reconnected = clients.welcomed.sum() - welcomedBefore;
      long expected = (long) users * perUser;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (clients.pushes.sum() - pushesBefore < expected && System.nanoTime() < deadline) {
        Thread.sleep(50); // polling a benchmark counter, not synchronisation
      }
      double deliveredSeconds = (System.nanoTime() - start) / 1e9;
      long received = clients.pushes.sum() - pushesBefore;
      long usersShort =
          clients.pushesByUser.values().stream().filter(c -> c.sum() < perUser).count()
              + (users - clients.pushesByUser.size());
      complete = usersShort == 0;
      System.out.printf(
          "SUMMARY users=%d reconnected=%d reconnectPerSec=%.0f pending=%d redelivered=%d allDeliveredSeconds=%.1f"
              + " usersMissingMessages=%d closedByServer=%d%n",
          users,
          reconnected,
          reconnected / reconnectSeconds,
          expected,
          received,
          deliveredSeconds,
          usersShort,
          clients.closedByServer.sum());
    }
    System.exit(complete ? 0 : 1);
  }
}
