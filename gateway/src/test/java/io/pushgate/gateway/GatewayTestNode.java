package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionSharding;
import io.pushgate.session.SessionStatus;
import io.pushgate.testsupport.TcpTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * A single-node cluster (self-join) with the real session sharding on an in-memory journal and a
 * gateway on an ephemeral loopback port: the client protocol over real sockets, without a database.
 */
final class GatewayTestNode implements AutoCloseable {

  private static final Duration ASK = Duration.ofSeconds(15);

  final ActorTestKit testKit;
  final SessionSharding sessions;
  final GatewayServer server;

  /**
   * @param gatewayOverrides HOCON inside {@code pushgate.gateway { ... }}
   */
  GatewayTestNode(String name, String gatewayOverrides) throws Exception {
    testKit = ActorTestKit.create(name, clusterConfig(gatewayOverrides));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
    sessions = SessionSharding.init(testKit.system());
    server =
        GatewayServer.start(
                testKit.system(),
                GatewayDeps.of(testKit.system(), SessionDirectory.of(sessions), TestApps.REGISTRY))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  static Config clusterConfig(String gatewayOverrides) {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                // every message crossing actors is serialized, as it would be between nodes
                + "pekko.actor.serialize-messages = on\n"
                + "pushgate.gateway { host = 127.0.0.1, port = 0, tcp { host = 127.0.0.1, port = 0 } }\n"
                + "pushgate.gateway {"
                + gatewayOverrides
                + "}\n")
        .withFallback(PersistenceTestKitPlugin.config())
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.load());
  }

  int port() {
    return server.localAddress().getPort();
  }

  /** The TCP port's address. */
  InetSocketAddress tcpAddress() {
    return server.tcpAddress().orElseThrow();
  }

  /** A TCP connection to the client port. */
  TcpTestClient tcp() throws Exception {
    return TcpTestClient.connect(tcpAddress());
  }

  URI wsUri() {
    return wsUri(server);
  }

  /** The WebSocket URI of {@code server}'s client port. */
  static URI wsUri(GatewayServer server) {
    return WsTestClient.uri("127.0.0.1:" + server.localAddress().getPort());
  }

  /** A raw WebSocket on the client path, upgraded. */
  RawWebSocket raw() throws Exception {
    return RawWebSocket.open(port(), GatewaySettings.WEBSOCKET_PATH);
  }

  EnqueueResult enqueue(String user, String id, Qos qos, String data) throws Exception {
    return enqueue(new SessionId("demo", user), id, qos, data);
  }

  EnqueueResult enqueue(SessionId session, String id, Qos qos, String data) throws Exception {
    long now = System.currentTimeMillis();
    PushMessage message = new PushMessage(id, qos, data, now, now + 600_000);
    return sessions
        .session(session)
        .<EnqueueResult>ask(replyTo -> new SessionCommand.Enqueue(message, replyTo), ASK)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  SessionStatus status(String user) throws Exception {
    return status(new SessionId("demo", user));
  }

  SessionStatus status(SessionId session) throws Exception {
    return sessions
        .session(session)
        .<SessionStatus>ask(SessionCommand.GetStatus::new, ASK)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    server.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }
}
