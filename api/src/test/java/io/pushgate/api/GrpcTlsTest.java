package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.pushgate.api.grpc.GrpcApiServer;
import io.pushgate.api.grpc.GrpcApiSettings;
import io.pushgate.api.testing.TestTls;
import io.pushgate.auth.ClientTokens;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC port over TLS: HTTP/2 negotiated with ALPN, a grpc-java client that trusts the
 * certificate (made with keytool at test time) calls the standard health service.
 */
class GrpcTlsTest {

  private static final String PASSWORD = "grpc-tls-test";

  @TempDir Path dir;

  @Test
  void aTlsClientIsServedOverHttp2() throws Exception {
    Path keystore = dir.resolve("node.p12");
    Path cert = dir.resolve("node.pem");
    TestTls.keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    TestTls.keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "node",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    SSLContext tls = TestTls.serverContext(keystore, PASSWORD);

    ActorTestKit testKit = SingleNodeTestKit.start("GrpcTlsTest", "pushgate.api.grpc.tls = on");
    ManagedChannel channel = null;
    try {
      ApiServices services =
          ApiServices.create(
              testKit.system(),
              ApiServices.Deps.of(
                  testKit.system(),
                  SessionSharding.init(testKit.system()),
                  new AppRegistry(List.of()),
                  new ClientTokens()));
      GrpcApiSettings settings =
          GrpcApiSettings.fromConfig(testKit.system().settings().config()).withPort(0);
      GrpcApiServer server =
          GrpcApiServer.start(
                  testKit.system(), new GrpcApiServer.Deps(services, settings, Optional.of(tls)))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1",
                  server.localAddress().getPort(),
                  TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build())
              .build();
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().build());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
      server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      if (channel != null) channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      testKit.shutdownTestKit();
    }
  }
}
