package io.pushgate.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The MQTT side of {@code ./bench vs-mqtt}'s fan-out rows: {@code SUBS} subscribers with persistent
 * sessions on one topic (QoS 1 subscriptions, acking every QoS 1 message), one publisher sending
 * {@code MSGS} messages to it, one every {@code GAP_MS}, first at QoS 0, then at QoS 1. For each:
 * the broker's CPU from the first publish until every subscriber has every message, minus its idle
 * rate, per delivery; the time until the last delivery.
 *
 * <pre>MqttFanOut HOST PORT SUBS MSGS GAP_MS BROKER_PID</pre>
 *
 * Prints one {@code MQTT-FANOUT qos=.. ...} line per QoS.
 */
public final class MqttFanOut {

  private static final String PAD = "x".repeat(60);

  private MqttFanOut() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int subs = Integer.parseInt(args[2]);
    int msgs = Integer.parseInt(args[3]);
    int gapMs = Integer.parseInt(args[4]);
    long brokerPid = Long.parseLong(args[5]);
    String run = "f" + Long.toString(System.nanoTime(), 36);
    String topic = "bench/" + run + "/all";
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    LongAdder delivered = MqttLoad.DELIVERED;
    try {
      List<Channel> receivers = new ArrayList<>(subs);
      CountDownLatch subscribed = new CountDownLatch(subs);
      Semaphore connecting = new Semaphore(100);
      for (int i = 0; i < subs; i++) {
        connecting.acquire();
        receivers.add(
            MqttLoad.connect(
                group,
                host,
                port,
                run + "-" + i,
                false,
                new MqttLoad.Receiver(
                    topic, MqttQoS.AT_LEAST_ONCE, subscribed, connecting::release)));
      }
      if (!subscribed.await(300, TimeUnit.SECONDS))
        throw new IllegalStateException("subscribers did not all connect");
      Publisher publisher = new Publisher();
      Channel out = MqttLoad.connect(group, host, port, run + "-pub", true, publisher);
      publisher.connected.get(30, TimeUnit.SECONDS);
      for (MqttQoS qos : new MqttQoS[] {MqttQoS.AT_MOST_ONCE, MqttQoS.AT_LEAST_ONCE}) {
        long idle0 = ProcessCpu.micros(brokerPid);
        TimeUnit.SECONDS.sleep(5); // the idle baseline's window: benchmark pacing
        long idleUs = ProcessCpu.micros(brokerPid) - idle0;
        long before = delivered.sum();
        long expected = before + (long) subs * msgs;
        long c0 = ProcessCpu.micros(brokerPid);
        long t0 = System.nanoTime();
        for (int n = 0; n < msgs; n++) {
          String json =
              "{\"ts\":" + System.nanoTime() + ",\"n\":" + n + ",\"pad\":\"" + PAD + "\"}";
          out.writeAndFlush(
              MqttMessageBuilders.publish()
                  .topicName(topic)
                  .qos(qos)
                  .messageId(qos == MqttQoS.AT_LEAST_ONCE ? 1 + n : 0)
                  .retained(false)
                  .payload(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.US_ASCII)))
                  .build());
          TimeUnit.MILLISECONDS.sleep(gapMs); // the publish pace
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (delivered.sum() < expected && System.nanoTime() < deadline)
          TimeUnit.MILLISECONDS.sleep(20); // polling a counter of a load tool
        double secs = (System.nanoTime() - t0) / 1e9;
        long c1 = ProcessCpu.micros(brokerPid);
        long n = delivered.sum() - before;
        long cpuUs = (c1 - c0) - Math.round(idleUs * secs / 5.0);
        System.out.printf(
            "MQTT-FANOUT qos=%d subscribers=%d messages=%d deliveries=%d seconds=%.2f brokerCpuNsPerDelivery=%d%n",
            qos.value(), subs, msgs, n, secs, cpuUs * 1000 / Math.max(1, n));
      }
      for (Channel c : receivers) c.close();
      out.close();
      for (Channel c : receivers) c.closeFuture().await(10, TimeUnit.SECONDS);
      MqttLoad.forgetSessions(group, host, port, run, subs);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** The publisher's connection: only waits for CONNACK (PUBACKs are not waited for). */
  private static final class Publisher extends SimpleChannelInboundHandler<MqttMessage> {
    final CompletableFuture<Void> connected = new CompletableFuture<>();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg instanceof MqttConnAckMessage) connected.complete(null);
    }
  }
}
