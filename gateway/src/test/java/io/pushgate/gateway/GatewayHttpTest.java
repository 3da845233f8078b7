package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.session.SessionCommand;
import io.pushgate.testsupport.WsTestClient;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plain-HTTP side of the client port (everything but upgrades is refused), connection limits
 * and graceful stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPGRADE_REQUEST =
      "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  private final ActorTestKit testKit = ActorTestKit.create("gateway-http");
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<GatewayServer> servers = new ArrayList<>();
  private final TestProbe<SessionCommand> sessions = testKit.createTestProbe();

  @AfterEach
  void stopServers() throws Exception {
    for (GatewayServer s : servers) s.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    servers.clear();
  }

  @AfterAll
  void tearDown() {
    testKit.shutdownTestKit();
  }

  private GatewayServer start(String overrides) throws Exception {
    GatewayServer server =
        GatewayServer.start(
                testKit.system(),
                GatewayDeps.of(testKit.system(), id -> sessions.ref(), TestApps.REGISTRY)
                    .withSettings(GatewayTestSettings.gateway(overrides)))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    servers.add(server);
    return server;
  }

  private static URI url(GatewayServer server, String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + pathAndQuery);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .get(WsTestClient.TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static JsonNode problem(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json", response.headers().firstValue("content-type").orElse(""));
    JsonNode body = JSON.readTree(response.body());
    assertEquals(code, body.get("code").asText());
    assertEquals(status, body.get("status").asInt());
    assertEquals("https://pushgate.dev/problems/" + code, body.get("type").asText());
    return body;
  }

  /** Sends raw bytes and returns everything the server answers until it closes. */
  private static String raw(GatewayServer server, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  // ---- plain HTTP ----

  @Test
  void everyRequestButAnUpgradeIsRefusedWithAProblem() throws Exception {
    GatewayServer server = start("");
    problem(
        send(HttpRequest.newBuilder(url(server, "/v1/apps/demo/messages")).GET().build()),
        404,
        "not_found");
    problem(
        send(
            HttpRequest.newBuilder(url(server, "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build()),
        404,
        "not_found");
    // the WebSocket path without an upgrade
    problem(send(HttpRequest.newBuilder(url(server, "/v1/ws")).GET().build()), 400, "bad_request");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    GatewayServer server = start("");
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      String path = i % 2 == 0 ? "/v1/ws" : "/r" + i; // 400 (no upgrade) and 404 alternate
      requests
          .append("GET ")
          .append(path)
          .append(" HTTP/1.1\r\nHost: x\r\n")
          .append(i == 5 ? "Connection: close\r\n" : "")
          .append("\r\n");
    }
    String answer = raw(server, requests.toString());
    Matcher status = Pattern.compile("HTTP/1.1 (\\d{3})").matcher(answer);
    List<String> statuses = new ArrayList<>();
    while (status.find()) statuses.add(status.group(1));
    assertEquals(List.of("400", "404", "400", "404", "400", "404"), statuses, answer);
  }

  @Test
  void bodyOverTheLimitIs413Problem() throws Exception {
    GatewayServer server = start("max-http-body-bytes = 1 KiB");
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(url(server, "/v1/apps/demo/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048)))
                .build());
    problem(response, 413, "payload_too_large");
    // chunked (no Content-Length) is bounded too
    String chunked =
        "POST /v1/apps/demo/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "800\r\n"
            + "y".repeat(2048)
            + "\r\n0\r\n\r\n";
    String answer = raw(server, chunked);
    assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    assertTrue(answer.contains("payload_too_large"), answer);
  }

  /**
   * Issue 14, defect 3: a declared 10 MB body gets its 413, not a reset, while it is still being
   * sent.
   */
  @Test
  void aDeclaredTenMegabyteBodyGets413WhileItIsStillBeingSent() throws Exception {
    GatewayServer server = start("max-http-body-bytes = 64 KiB");
    int size = 10 << 20;
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/apps/demo/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + size
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      for (int sent = 0; sent < size; sent += chunk.length)
        out.write(chunk); // like a client that reads only at the end
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.contains("\"code\":\"payload_too_large\""), response);
    }
  }

  /**
   * Issue 14, defect 4: a head sent one byte at a time (slowloris) is cut off at
   * http-request-read-timeout.
   */
  @Test
  void aRequestSentOneByteAtATimeGets408AtTheReadTimeout() throws Exception {
    GatewayServer server = start("http-request-read-timeout = 1s, http-idle-timeout = 60s");
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      byte[] head =
          "GET /v1/apps/demo/users/alice HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              .getBytes(StandardCharsets.US_ASCII);
      InputStream in = socket.getInputStream();
      try {
        for (byte b : head) {
          out.write(b);
          out.flush();
          if (in.available() > 0) break; // answered
          LockSupport.parkNanos(100_000_000L); // the slow client's pace, not synchronisation
        }
      } catch (IOException closedMeanwhile) {
        // the server half-closed and then closed; its answer is still to be read
      }
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(response.startsWith("HTTP/1.1 408"), response);
      assertTrue(response.contains("\"code\":\"request_timeout\""), response);
      assertTrue(
          tookMillis < head.length * 100L,
          "cut off before the head was complete, after " + tookMillis + " ms");
      assertEquals(1, server.metrics().httpRequestTimeouts());
    }
  }

  /** Keep-alive connections are not hurried: the read deadline starts at a request's first byte. */
  @Test
  void anIdleKeepAliveConnectionOutlivesTheReadTimeout() throws Exception {
    GatewayServer server = start("http-request-read-timeout = 300ms");
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] request = "GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      out.write(request);
      out.flush();
      assertTrue(readHead(in).startsWith("HTTP/1.1 404"));
      LockSupport.parkNanos(1_000_000_000L); // idle, well past the read timeout
      out.write(request);
      out.flush();
      assertTrue(readHead(in).startsWith("HTTP/1.1 404"));
    }
  }

  /** Reads one response head and its Content-Length body. */
  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) throw new EOFException(head.toString(StandardCharsets.US_ASCII));
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
    if (m.find()) in.readNBytes(Integer.parseInt(m.group(1)));
    return text;
  }

  // ---- limits ----

  @Test
  void upgradesBeyondMaxConnectionsGet503() throws Exception {
    GatewayServer server = start("max-connections = 1, hello-timeout = 60s");
    WsTestClient first = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    assertEquals(1, server.metrics().openConnections());

    String answer = raw(server, UPGRADE_REQUEST);
    assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
    assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
    assertTrue(answer.contains("\"code\":\"overloaded\""), answer);
    assertTrue(answer.toLowerCase().contains("retry-after:"), answer);
    assertEquals(1, server.metrics().rejectedConnections());

    first.close();
    first.expectClose(1000);
    await().atMost(20, TimeUnit.SECONDS).until(() -> server.metrics().openConnections() == 0);
    WsTestClient second = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    second.send("{\"t\":\"nope\"}");
    second.expectError("unknown_type");
    second.close();
  }

  @Test
  void aDeniedSourceGets403AndNothingElse() throws Exception {
    GatewayServer server = start("access.deny = [\"127.0.0.0/8\"]");
    String answer = raw(server, UPGRADE_REQUEST);
    assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
    assertTrue(answer.contains("\"code\":\"forbidden\""), answer);
    assertEquals(0, server.metrics().acceptedConnections());
    assertEquals(1, server.metrics().refusedBySource());
    GatewayServer allowedElsewhere = start("access.allow = [\"10.0.0.0/8\"]");
    assertTrue(
        raw(allowedElsewhere, UPGRADE_REQUEST).startsWith("HTTP/1.1 403"), "not in the allow list");
  }

  @Test
  void connectionsPerSourceAreBoundedAndFreedOnClose() throws Exception {
    GatewayServer server = start("access.max-connections-per-source = 2, hello-timeout = 60s");
    WsTestClient first = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    WsTestClient second = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    String answer = raw(server, UPGRADE_REQUEST);
    assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
    assertTrue(answer.contains("\"code\":\"too_many_connections\""), answer);
    assertTrue(answer.toLowerCase().contains("retry-after:"), answer);
    first.close();
    first.expectClose(1000);
    await()
        .atMost(20, TimeUnit.SECONDS)
        .until(
            () -> {
              WsTestClient next = null;
              try {
                next = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
                return true;
              } catch (Exception e) {
                return false; // still counted: the close is not through yet
              } finally {
                if (next != null) next.close();
              }
            });
    second.close();
  }

  @Test
  void handshakesPerSourceAreRateLimited() throws Exception {
    GatewayServer server =
        start("access { handshake-rate = 1, handshake-burst = 2 }, hello-timeout = 60s");
    WsTestClient first = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    WsTestClient second = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    String answer = raw(server, UPGRADE_REQUEST);
    assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
    assertTrue(answer.contains("\"code\":\"rate_limited\""), answer);
    assertEquals(2, server.metrics().acceptedConnections());
    first.close();
    second.close();
  }

  @Test
  void idleHttpConnectionsAreClosed() throws Exception {
    GatewayServer server = start("http-idle-timeout = 1s");
    // no request at all: raw() returns when the server closes the connection
    assertEquals("", raw(server, ""));
  }

  // ---- graceful stop ----

  @Test
  void stopClosesWebSocketsWith1001() throws Exception {
    GatewayServer server = start("");
    WsTestClient client = WsTestClient.connect(http, GatewayTestNode.wsUri(server));
    client.send("{\"t\":\"nope\"}");
    client.expectError("unknown_type"); // the connection is established
    server.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.expectClose(1001);
    assertEquals(0, server.metrics().openConnections());
    servers.remove(server);
  }
}
