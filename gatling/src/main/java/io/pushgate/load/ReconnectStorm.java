package io.pushgate.load;

import java.lang.management.ManagementFactory;
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
 * <p>{@code -Dpushgate.load.nodePid=PID} adds the node's CPU during the storm (from {@code /proc});
 * the client's own is always shown: on one machine both share the cores. {@code
 * -Dpushgate.load.sources=N} spreads the clients over N loopback source addresses (default: one per
 * 25,000 clients): each storm connects every user twice, and the ports its earlier connections left
 * in TIME_WAIT make the kernel's search for a free source port dear.
 *
 * <p>Prints one {@code SUMMARY} line; exits 1 if any user is missing a message.
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
    String nodePid = System.getProperty("pushgate.load.nodePid");
    boolean complete;
    try (WsClients clients =
        new WsClients(
            new WsClients.Options(
                WsClients.targets(target),
                Integer.getInteger("pushgate.load.sources", WsClients.sourcesFor(users)),
                30,
                parallelism))) {
      Storm measured = storm(clients, api, prefix, users, perUser, nodePid);
      complete = measured.usersShort == 0;
      System.out.println("SUMMARY " + measured.summary());
    }
    System.exit(complete ? 0 : 1);
  }

  /** The storm with users {@code prefix0..}: connect, drop, sends while offline, reconnect. */
  private static Storm storm(
      WsClients clients, String api, String prefix, int users, int perUser, String nodePid)
      throws Exception {
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
    long closedBefore = clients.closedByServer.sum();
    clients.pushesByUser.clear();
    long clientCpu0 = ownCpuNanos();
    long nodeCpuUs0 = nodeCpuMicros(nodePid);
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
    long clientCpuMs = (ownCpuNanos() - clientCpu0) / 1_000_000;
    long nodeCpuMs = nodePid == null ? -1 : (nodeCpuMicros(nodePid) - nodeCpuUs0) / 1000;
    long received = clients.pushes.sum() - pushesBefore;
    long usersShort =
        clients.pushesByUser.values().stream().filter(c -> c.sum() < perUser).count()
            + (users - clients.pushesByUser.size());
    return new Storm(
        users,
        reconnected,
        reconnected / reconnectSeconds,
        expected,
        received,
        deliveredSeconds,
        usersShort,
        clients.closedByServer.sum() - closedBefore,
        clientCpuMs,
        nodeCpuMs);
  }

  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of the node in microseconds, or 0 without one. */
  private static long nodeCpuMicros(String pid) throws Exception {
    return pid == null ? 0 : ProcessCpu.micros(Long.parseLong(pid));
  }

  private record Storm(
      int users,
      long reconnected,
      double reconnectPerSec,
      long pending,
      long redelivered,
      double deliveredSeconds,
      long usersShort,
      long closedByServer,
      long clientCpuMs,
      long nodeCpuMs) {

    String summary() {
      return String.format(
          "users=%d reconnected=%d reconnectPerSec=%.0f pending=%d redelivered=%d"
              + " allDeliveredSeconds=%.1f usersMissingMessages=%d closedByServer=%d"
              + " clientCpuMs=%d nodeCpuMs=%d nodeCpuUsPerReconnect=%d",
          users,
          reconnected,
          reconnectPerSec,
          pending,
          redelivered,
          deliveredSeconds,
          usersShort,
          closedByServer,
          clientCpuMs,
          nodeCpuMs,
          nodeCpuMs < 0 ? -1 : nodeCpuMs * 1000 / Math.max(1, reconnected));
    }
  }
}
