package io.pushgate.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The MQTT side of {@code ./bench vs-mqtt}: the same shape of work as Pushgate's receivers and
 * sender. {@code USERS} subscribers with persistent sessions (clean session off), one topic per
 * user, each acking every QoS 1 message (PUBACK); one publisher keeping {@code CONC} QoS 1 messages
 * in flight (the next goes when a PUBACK comes back), round-robin over the users, about 100-byte
 * JSON payloads; QoS 0: the publisher sends as fast as TCP takes it. Runs a warm-up, then the
 * measured phase, and reads the broker's CPU time from /proc/PID/stat around each phase.
 *
 * <pre>MqttLoad HOST PORT USERS CONC WARM_SECS SECS QOS BROKER_PID</pre>
 *
 * Prints {@code MQTT-CONNECT ...} and {@code MQTT qos=.. msgs/s=.. ...} lines; a benchmark tool,
 * not a client library (Netty's MQTT codec, no retries).
 */
public final class MqttLoad {

  private static final long MAX_LATENCY_NANOS = 3_600_000_000L;
  private static final Recorder LATENCY = new Recorder(MAX_LATENCY_NANOS, 3);

  /** Deliveries to every {@link Receiver} of this JVM. */
  static final LongAdder DELIVERED = new LongAdder();

  private static final String PAD = "x".repeat(60);

  private MqttLoad() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int users = Integer.parseInt(args[2]);
    int conc = Integer.parseInt(args[3]);
    int warm = Integer.parseInt(args[4]);
    int secs = Integer.parseInt(args[5]);
    MqttQoS qos = MqttQoS.valueOf(Integer.parseInt(args[6]));
    long brokerPid = Long.parseLong(args[7]);
    String run = "b" + Long.toString(System.nanoTime(), 36);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      List<Channel> receivers = new ArrayList<>(users);
      CountDownLatch subscribed = new CountDownLatch(users);
      long cpu0 = ProcessCpu.micros(brokerPid);
      long t0 = System.nanoTime();
      Semaphore connecting = new Semaphore(100); // connects in flight
      for (int i = 0; i < users; i++) {
        connecting.acquire();
        receivers.add(
            connect(
                group,
                host,
                port,
                run + "-" + i,
                false,
                new Receiver("bench/" + run + "/" + i, qos, subscribed, connecting::release)));
      }
      if (!subscribed.await(300, TimeUnit.SECONDS))
        throw new IllegalStateException("subscribers did not all connect");
      double connectSecs = (System.nanoTime() - t0) / 1e9;
      long cpu1 = ProcessCpu.micros(brokerPid);
      System.out.printf(
          "MQTT-CONNECT connected=%d seconds=%.2f connectPerSec=%.0f brokerCpuUsPerConnect=%d%n",
          users, connectSecs, users / connectSecs, (cpu1 - cpu0) / users);

      Sender sender = new Sender(run, users, conc, qos);
      Channel out = connect(group, host, port, run + "-sender", true, sender);
      sender.connected.get(30, TimeUnit.SECONDS);
      sender.start(out);
      TimeUnit.SECONDS.sleep(warm); // the warm-up's length: benchmark pacing, not synchronisation
      long d0 = DELIVERED.sum();
      long c0 = ProcessCpu.micros(brokerPid);
      LATENCY.getIntervalHistogram();
      long m0 = System.nanoTime();
      TimeUnit.SECONDS.sleep(secs); // the measured phase's length
      long d1 = DELIVERED.sum();
      long c1 = ProcessCpu.micros(brokerPid);
      double measured = (System.nanoTime() - m0) / 1e9;
      Histogram h = LATENCY.getIntervalHistogram();
      sender.running.set(false);
      long n = d1 - d0;
      System.out.printf(
          "MQTT qos=%d msgs/s=%.0f delivered=%d latencyMs p50=%.1f p99=%.1f max=%.1f brokerCpuUsPerMsg=%.1f%n",
          qos.value(),
          n / measured,
          n,
          h.getValueAtPercentile(50) / 1e6,
          h.getValueAtPercentile(99) / 1e6,
          h.getMaxValue() / 1e6,
          (double) (c1 - c0) / Math.max(1, n));
      for (Channel c : receivers) c.close();
      out.close();
      forgetSessions(group, host, port, run, users);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  static Channel connect(
      EventLoopGroup group,
      String host,
      int port,
      String clientId,
      boolean clean,
      SimpleChannelInboundHandler<MqttMessage> handler)
      throws Exception {
    var connected =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(
                            new WholePackets(), new MqttDecoder(), MqttEncoder.INSTANCE, handler);
                  }
                })
            .connect(host, port);
    connected.addListener(
        f -> {
          if (f.isSuccess()) {
            connected
                .channel()
                .writeAndFlush(
                    MqttMessageBuilders.connect()
                        .clientId(clientId)
                        .cleanSession(clean)
                        .protocolVersion(MqttVersion.MQTT_3_1_1)
                        .keepAlive(300)
                        .build());
          } else {
            System.err.println("MQTT connect failed: " + f.cause());
          }
        });
    return connected.channel();
  }

  /**
   * Persistent sessions would pile up in the broker across runs: connect each once with clean
   * session on.
   */
  static void forgetSessions(EventLoopGroup group, String host, int port, String run, int users)
      throws Exception {
    CountDownLatch done = new CountDownLatch(users);
    // at most 100 at a time: 10,000 at once ran out of file descriptors (ours or the broker's)
    // while the run's own connections were still closing, and those sessions stayed behind
    Semaphore open = new Semaphore(100);
    for (int i = 0; i < users; i++) {
      if (!open.tryAcquire(60, TimeUnit.SECONDS)) break;
      Channel ch =
          connect(
              group,
              host,
              port,
              run + "-" + i,
              true,
              new SimpleChannelInboundHandler<MqttMessage>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                  if (msg.fixedHeader().messageType() == MqttMessageType.CONNACK) {
                    ctx.writeAndFlush(MqttMessage.DISCONNECT).addListener(f -> ctx.close());
                    done.countDown();
                  }
                }
              });
      ch.closeFuture().addListener(f -> open.release());
    }
    done.await(60, TimeUnit.SECONDS);
  }

  /** A subscriber: subscribes after CONNACK, acks every QoS 1 PUBLISH, records the latency. */
  static final class Receiver extends SimpleChannelInboundHandler<MqttMessage> {
    private final String topic;
    private final MqttQoS qos;
    private final CountDownLatch subscribed;
    private final Runnable onSubscribed;

    Receiver(String topic, MqttQoS qos, CountDownLatch subscribed, Runnable onSubscribed) {
      this.topic = topic;
      this.qos = qos;
      this.subscribed = subscribed;
      this.onSubscribed = onSubscribed;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg.decoderResult().isFailure()) {
        System.err.println("MQTT decode failure: " + msg.decoderResult().cause());
        ctx.close();
        return;
      }
      switch (msg.fixedHeader().messageType()) {
        case CONNACK ->
            ctx.writeAndFlush(
                MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, topic).build());
        case SUBACK -> {
          subscribed.countDown();
          onSubscribed.run();
        }
        case PUBLISH -> {
          MqttPublishMessage p = (MqttPublishMessage) msg;
          DELIVERED.increment();
          if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(
                MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
          }
          // after the ack, and clamped: a latency past the histogram's range once threw here,
          // skipping the PUBACK, so the broker's in-flight window filled and deliveries stopped
          long sentAt = parseTs(p.payload());
          if (sentAt > 0)
            LATENCY.recordValue(
                Math.min(MAX_LATENCY_NANOS, Math.max(0, System.nanoTime() - sentAt)));
        }
        default -> {}
      }
    }
  }

  /** The publisher: CONC QoS 1 messages in flight, or QoS 0 as fast as the channel is writable. */
  private static final class Sender extends SimpleChannelInboundHandler<MqttMessage> {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    private final String run;
    private final int users;
    private final int conc;
    private final MqttQoS qos;
    private final AtomicInteger next = new AtomicInteger();
    private Channel channel;

    Sender(String run, int users, int conc, MqttQoS qos) {
      this.run = run;
      this.users = users;
      this.conc = conc;
      this.qos = qos;
    }

    void start(Channel ch) {
      channel = ch;
      ch.eventLoop()
          .execute(
              () -> {
                if (qos == MqttQoS.AT_LEAST_ONCE) {
                  for (int i = 0; i < conc; i++) publish();
                  ch.flush();
                } else {
                  pump();
                }
              });
    }

    private void publish() {
      int n = next.getAndIncrement();
      String json = "{\"ts\":" + System.nanoTime() + ",\"n\":" + n + ",\"pad\":\"" + PAD + "\"}";
      ByteBuf payload = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.US_ASCII));
      channel.write(
          MqttMessageBuilders.publish()
              .topicName("bench/" + run + "/" + Math.floorMod(n, users))
              .qos(qos)
              .messageId(qos == MqttQoS.AT_LEAST_ONCE ? 1 + Math.floorMod(n, 65_000) : 0)
              .retained(false)
              .payload(payload)
              .build());
    }

    private void pump() {
      while (running.get() && channel.isWritable()) publish();
      channel.flush();
      if (running.get()) channel.eventLoop().execute(this::pump);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg instanceof MqttConnAckMessage) {
        connected.complete(null);
      } else if (msg.fixedHeader().messageType() == MqttMessageType.PUBACK && running.get()) {
        publish();
        ctx.flush();
      }
    }
  }

  /**
   * Hands {@link MqttDecoder} one whole MQTT packet at a time. Netty 4.2.13's decoder fails a
   * packet that arrives split over two reads ("message length exceeds 8092: 113" for a 113-byte
   * packet; reproduced with an EmbeddedChannel fed 7 bytes at a time), which happens under load.
   */
  static final class WholePackets extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      while (true) {
        int start = in.readerIndex();
        if (in.readableBytes() < 2) return;
        int length = 0;
        int multiplier = 1;
        int i = start + 1;
        int digit;
        do {
          if (i >= in.writerIndex()) return; // the length is not all here yet
          digit = in.getByte(i++);
          length += (digit & 0x7f) * multiplier;
          multiplier *= 128;
        } while ((digit & 0x80) != 0 && multiplier <= 128 * 128 * 128);
        int total = (i - start) + length;
        if (in.readableBytes() < total) return;
        out.add(in.readRetainedSlice(total));
      }
    }
  }

  /**
   * The {@code ts} field of the payload (System.nanoTime at send; sender and receivers share this
   * JVM).
   */
  static long parseTs(ByteBuf payload) {
    String s = payload.toString(StandardCharsets.US_ASCII);
    int i = s.indexOf("\"ts\":");
    if (i < 0) return 0;
    int j = s.indexOf(',', i);
    try {
      return Long.parseLong(s.substring(i + 5, j));
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
