package io.pushgate.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Holds N connected, heartbeating WebSocket clients of users {@code <prefix>0..N-1} (lean Netty
 * clients, {@link WsClients}), acks every QoS 1 push, and prints pushes/s and end-to-end latency
 * every 5 s and a SUMMARY line at the end. The connect phase measures the accept rate (hello, token
 * check, session attach, welcome).
 *
 * <pre>java -cp ... io.pushgate.load.PushReceivers host:port[,host:port...] prefix count seconds
 *     [connectParallelism=200] [sources=ceil(count/25000)] [heartbeatSeconds=30] [from=0]</pre>
 */
public final class PushReceivers {

  private PushReceivers() {}

  public static void main(String[] args) throws Exception {
    String targets = args[0];
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    int sources = args.length > 5 ? Integer.parseInt(args[5]) : WsClients.sourcesFor(count);
    int heartbeat = args.length > 6 ? Integer.parseInt(args[6]) : 30;
    int from = args.length > 7 ? Integer.parseInt(args[7]) : 0;
    try (WsClients clients =
        new WsClients(
            new WsClients.Options(WsClients.targets(targets), sources, heartbeat, parallelism))) {
      long start = System.nanoTime();
      clients.connect(prefix, from, from + count);
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      long welcomed = clients.welcomed.sum();
      System.out.printf(
          "connected %d of %d in %.1f s (%.0f/s), failed %d%n",
          welcomed, count, connectSeconds, welcomed / connectSeconds, clients.failed.sum());
      Histogram total = new Histogram(3_600_000L, 3);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long lastPushes = 0;
      long lastUps = 0;
      while (System.nanoTime() < end) {
        Thread.sleep(5_000); // a benchmark's reporting interval, not synchronisation
        Histogram interval = clients.latency.getIntervalHistogram();
        total.add(interval);
        long now = clients.pushes.sum();
        System.out.printf(
            "pushes/s %.0f  latency ms p50 %d p99 %d p99.9 %d max %d  open %d%n",
            (now - lastPushes) / 5.0,
            interval.getValueAtPercentile(50),
            interval.getValueAtPercentile(99),
            interval.getValueAtPercentile(99.9),
            interval.getMaxValue(),
            clients.openCount());
        lastPushes = now;
        if (WsClients.UPSTREAM_IN_FLIGHT > 0) {
          Histogram up = clients.upLatency.getIntervalHistogram();
          long ups = clients.upacks.sum();
          System.out.printf(
              "upstream/s %.0f  round trip us p50 %d p99 %d  errors %d%n",
              (ups - lastUps) / 5.0,
              up.getValueAtPercentile(50),
              up.getValueAtPercentile(99),
              clients.upErrors.sum());
          lastUps = ups;
        }
      }
      total.add(clients.latency.getIntervalHistogram());
      System.out.printf(
          "SUMMARY connected=%d connectPerSec=%.0f pushes=%d latencyMs p50=%d p99=%d p99.9=%d max=%d closedByServer=%d%n",
          welcomed,
          welcomed / connectSeconds,
          clients.pushes.sum(),
          total.getValueAtPercentile(50),
          total.getValueAtPercentile(99),
          total.getValueAtPercentile(99.9),
          total.getMaxValue(),
          clients.closedByServer.sum());
    }
    System.exit(0);
  }
}
