package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pushgate.testsupport.TcpTestClient;
import io.pushgate.testsupport.WsTestClient;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the client ports with certificates made at test time (keytool for PKCS#12, openssl for
 * PEM): hello and welcome over wss:// and TLS-TCP, plaintext to the TLS ports gets no answer, a
 * client refuses an expired certificate on either port, and unreadable key material stops the start
 * naming the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTlsTest {

  private static final String PASSWORD = "test-keystore-password";

  @TempDir static Path dir;
  private Path valid;
  private Path expired;
  private Path trust;
  private Path pemCert;
  private Path pemKey;
  private Path renewed;

  @BeforeAll
  void makeCertificates() throws Exception {
    valid = dir.resolve("valid.p12");
    expired = dir.resolve("expired.p12");
    trust = dir.resolve("trust.p12");
    keytool(
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
        valid.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Path cert = dir.resolve("valid.crt");
    keytool(
        "-exportcert",
        "-alias",
        "node",
        "-keystore",
        valid.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "valid",
        "-file",
        cert.toString(),
        "-keystore",
        trust.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    // an expired certificate must be signed by a trusted CA: validity is not checked on trust
    // anchors
    Path ca = dir.resolve("ca.p12");
    Path caCert = dir.resolve("ca.crt");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "30",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        caCert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caCert.toString(),
        "-keystore",
        trust.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-validity",
        "2",
        "-keystore",
        expired.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Path csr = dir.resolve("expired.csr");
    Path signed = dir.resolve("expired.crt");
    keytool(
        "-certreq",
        "-alias",
        "node",
        "-keystore",
        expired.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        csr.toString());
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        ca.toString(),
        "-storepass",
        PASSWORD,
        "-infile",
        csr.toString(),
        "-outfile",
        signed.toString(),
        "-startdate",
        "-10d",
        "-validity",
        "2",
        "-ext",
        "SAN=ip:127.0.0.1");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caCert.toString(),
        "-keystore",
        expired.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "node",
        "-file",
        signed.toString(),
        "-keystore",
        expired.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    renewed = dir.resolve("renewed.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=renewed",
        "-validity",
        "2",
        "-keystore",
        renewed.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    pemCert = dir.resolve("cert.pem");
    pemKey = dir.resolve("key.pem");
    run(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            pemKey.toString(),
            "-out",
            pemCert.toString(),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1"));
    Path pemCrt = dir.resolve("pem.crt");
    Files.copy(pemCert, pemCrt);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "pem",
        "-file",
        pemCrt.toString(),
        "-keystore",
        trust.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
  }

  @Test
  void helloAndWelcomeOverWssWithAPkcs12Keystore() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tls-p12", keystoreConfig(valid))) {
      assertTrue(node.server.tls());
      assertWelcome(node);
      assertTcpWelcome(node);
    }
  }

  @Test
  void helloAndWelcomeOverWssWithPemFiles() throws Exception {
    String config =
        "tls { enabled = true, certificate = \""
            + pemCert
            + "\", private-key = \""
            + pemKey
            + "\" }";
    try (GatewayTestNode node = new GatewayTestNode("tls-pem", config)) {
      assertWelcome(node);
      assertTcpWelcome(node);
    }
  }

  @Test
  void plaintextToTheTlsPortGetsNoHttpAnswer() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tls-plain", keystoreConfig(valid));
        Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(5);
      assertTrue(
          answer.length < 5 || !new String(answer, StandardCharsets.US_ASCII).startsWith("HTTP/"),
          "no HTTP over the TLS port");
    }
  }

  @Test
  void plaintextFramesToTheTlsTcpPortGetNoFrameBack() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tls-tcp-plain", keystoreConfig(valid));
        Socket socket = new Socket("127.0.0.1", node.tcpAddress().getPort())) {
      socket.setSoTimeout(10_000);
      byte[] hello =
          TcpTestClient.helloJson("demo", TestApps.token("tls-plain"), null)
              .getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(1 + hello.length);
      out.writeByte(1);
      out.write(hello);
      out.flush();
      byte[] answer;
      try {
        answer = socket.getInputStream().readNBytes(5);
      } catch (SocketException reset) {
        answer = new byte[0];
      }
      // a TLS alert (0x15) or nothing: never a frame (its 4-byte length, then kind 1)
      assertTrue(
          answer.length < 5 || answer[4] != 1 || answer[0] == 0x15,
          "no plaintext frame over the TLS port");
    }
  }

  @Test
  void aClientRefusesAnExpiredCertificate() throws Exception {
    try (GatewayTestNode node = new GatewayTestNode("tls-expired", keystoreConfig(expired))) {
      Exception e = assertThrows(Exception.class, () -> WsTestClient.connect(client(), wss(node)));
      assertCertificateRefused(e);
      Exception tcp =
          assertThrows(
              Exception.class,
              () -> TcpTestClient.connect(sslContext().getSocketFactory(), node.tcpAddress()));
      assertCertificateRefused(tcp);
    }
  }

  @Test
  void aChangedCertificateIsUsedByNewConnectionsWithoutARestart() throws Exception {
    Path live = dir.resolve("live.p12");
    Files.copy(valid, live, StandardCopyOption.REPLACE_EXISTING);
    try (GatewayTestNode node =
        new GatewayTestNode("tls-reload", keystoreConfig(live) + ", tls.reload-interval = 0s")) {
      String first = presented(node.port());
      assertEquals("CN=localhost", first);
      assertTrue(!node.server.reloadTls(), "nothing changed: nothing reloaded");
      WsTestClient open = WsTestClient.connect(client(), wss(node));
      Files.write(live, new byte[] {1, 2, 3}); // half-written: the old certificate stays
      assertTrue(!node.server.reloadTls());
      assertEquals("CN=localhost", presented(node.port()));
      Files.copy(renewed, live, StandardCopyOption.REPLACE_EXISTING);
      assertTrue(node.server.reloadTls());
      assertEquals("CN=renewed", presented(node.port()));
      assertEquals("CN=renewed", presented(node.tcpAddress().getPort()));
      open.hello("demo", TestApps.token("tls-reload"), 30); // an open connection keeps its session
      assertEquals("welcome", open.expectFrame("welcome").path("t").asText());
      open.close();
    }
  }

  /** The subject of the certificate a port presents (read with a client that trusts anything). */
  private static String presented(int port) throws Exception {
    SSLContext any = SSLContext.getInstance("TLS");
    any.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) {}

            public void checkServerTrusted(X509Certificate[] chain, String type) {}

            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  @Test
  void unreadableKeyMaterialIsRefusedNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GatewayTls.fromConfig(
                    ConfigFactory.parseString(
                            "pushgate.gateway.tls { enabled = true, keystore = \""
                                + dir.resolve("none.p12")
                                + "\" }")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("pushgate.gateway.tls.keystore"), e.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GatewayTls.fromConfig(
                    ConfigFactory.parseString("pushgate.gateway.tls.enabled = true")
                        .withFallback(ConfigFactory.load())));
    assertTrue(missing.getMessage().contains("pushgate.gateway.tls"), missing.getMessage());
    IllegalArgumentException wrongPassword =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GatewayTls.fromConfig(
                    ConfigFactory.parseString(
                            "pushgate.gateway.tls { enabled = true, keystore = \""
                                + valid
                                + "\", keystore-password = wrong }")
                        .withFallback(ConfigFactory.load())));
    assertTrue(
        wrongPassword.getMessage().contains("pushgate.gateway.tls.keystore"),
        wrongPassword.getMessage());
  }

  // ---- helpers ----

  private static void assertCertificateRefused(Exception e) {
    assertTrue(
        String.valueOf(rootCause(e).getMessage()).toLowerCase().contains("valid")
            || rootCause(e) instanceof SSLHandshakeException
            || rootCause(e) instanceof CertificateException,
        rootCause(e).toString());
  }

  private void assertTcpWelcome(GatewayTestNode node) throws Exception {
    try (TcpTestClient client =
        TcpTestClient.connect(sslContext().getSocketFactory(), node.tcpAddress())) {
      client.hello("demo", TestApps.token("tls-tcp-user"), 30);
      assertEquals("welcome", client.expectFrame("welcome").path("t").asText());
      client.send("{\"t\":\"ping\"}");
      client.expectFrame("pong");
      client.sendClose(1000);
      assertEquals(1000, client.awaitClose());
    }
  }

  private void assertWelcome(GatewayTestNode node) throws Exception {
    WsTestClient client = WsTestClient.connect(client(), wss(node));
    client.hello("demo", TestApps.token("tls-user"), 30);
    assertEquals("welcome", client.expectFrame("welcome").path("t").asText());
    client.close();
  }

  private static String keystoreConfig(Path store) {
    return "tls { enabled = true, keystore = \""
        + store
        + "\", keystore-password = \""
        + PASSWORD
        + "\" }";
  }

  private static URI wss(GatewayTestNode node) {
    return URI.create("wss://127.0.0.1:" + node.port() + GatewaySettings.WEBSOCKET_PATH);
  }

  private HttpClient client() throws Exception {
    return HttpClient.newBuilder().sslContext(sslContext()).build();
  }

  private SSLContext sslContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(trust.toFile())) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trustManagers.getTrustManagers(), null);
    return ssl;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t;
  }

  /** The gRPC port serves the same key material through a JDK SSLContext. */
  @Test
  void theSameCertificateIsAvailableAsAJdkContext() throws Exception {
    Config config =
        ConfigFactory.parseString(
                "pushgate.gateway.tls { enabled = true, keystore = \""
                    + valid
                    + "\", keystore-password = \""
                    + PASSWORD
                    + "\" }")
            .withFallback(ConfigFactory.load());
    SSLContext context = GatewayTls.jdkContextFromConfig(config).orElseThrow();
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    Assertions.assertTrue(Arrays.asList(engine.getEnabledProtocols()).contains("TLSv1.3"));
    Assertions.assertTrue(
        GatewayTls.jdkContextFromConfig(
                ConfigFactory.parseString("pushgate.gateway.tls.enabled = false")
                    .withFallback(ConfigFactory.load()))
            .isEmpty());
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
