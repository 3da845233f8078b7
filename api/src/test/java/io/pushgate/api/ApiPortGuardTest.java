package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pushgate.api.server.ApiListenerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API port against bad and unlucky clients, over raw sockets (issue 23): slow heads get 408 and
 * a close, garbage 400 at once, pre-routing errors their own documented codes, a client still
 * sending a refused body reads the 413 instead of a reset, HTTP/1.0 without Host is served, and
 * connections past {@code max-connections} get 503 {@code overloaded} with {@code Retry-After}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiPortGuardTest {

  private static final long READ_TIMEOUT_MS = 1000;
  private ActorTestKit testKit;
  private Route route;
  private int port;

  @BeforeAll
  void start() throws Exception {
    testKit =
        SingleNodeTestKit.start(
            "ApiPortGuardTest",
            "pushgate.api.http.request-read-timeout = "
                + READ_TIMEOUT_MS
                + "ms\n"
                + "pushgate.api.http.parsing.max-content-length = 64k\n"
                + "pushgate.api.http.linger-timeout = 10s");
    route =
        concat(
            path("ok", () -> complete(ApiResponses.json(200, Map.of("ok", true)))),
            path(
                "echo",
                () ->
                    entity(
                        Unmarshaller.entityToByteArray(),
                        body -> complete(ApiResponses.json(200, Map.of("bytes", body.length))))));
    port = ApiTestServer.servePort(testKit.system(), route);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aHeadTrickledSlowerThanTheReadTimeoutIs408AndClosed() throws Exception {
    try (Socket socket = connect(port)) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      CompletableFuture<Void> trickle =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (byte b :
                      "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: "
                          .getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100); // the client under test is slow: one byte every 100 ms, each
                    // resetting idle-timeout
                  }
                } catch (Exception closedByServer) {
                  // expected once the server answered
                }
              });
      String answer = readUntilClosed(socket);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertProblem(answer, 408, "request_timeout");
      assertTrue(
          tookMs >= READ_TIMEOUT_MS - 100 && tookMs < READ_TIMEOUT_MS + 3000,
          "answered after " + tookMs + " ms");
      trickle.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionThatSendsNothingIs408() throws Exception {
    try (Socket socket = connect(port)) {
      assertProblem(readUntilClosed(socket), 408, "request_timeout");
    }
  }

  @Test
  void garbageIs400AtOnceAndClosed() throws Exception {
    for (byte[] garbage :
        List.of(
            new byte[] {1, 2, 'g', 'a', 'r', 'b'},
            "\u0016\u0003\u0001".getBytes(StandardCharsets.ISO_8859_1),
            "{\"to\":1}".getBytes(StandardCharsets.US_ASCII))) {
      try (Socket socket = connect(port)) {
        long start = System.nanoTime();
        socket.getOutputStream().write(garbage);
        String answer = readUntilClosed(socket);
        assertProblem(answer, 400, "bad_request");
        assertTrue(
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < READ_TIMEOUT_MS,
            "before the read deadline");
      }
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsNotCutByTheReadDeadline() throws Exception {
    try (Socket socket = connect(port)) {
      String request = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
      Thread.sleep(
          2 * READ_TIMEOUT_MS); // the behaviour under test: idle time between requests is not a
      // slow head
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
    }
  }

  @Test
  void preRoutingErrorsHaveTheirOwnCodes() throws Exception {
    assertProblem(
        exchange("GET /ok HTTP/2.0\r\nHost: x\r\n\r\n"), 505, "http_version_not_supported");
    String foo = exchange("FOO /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    assertProblem(foo, 501, "method_not_implemented");
    assertTrue(foo.contains("Allow: DELETE, GET, HEAD, POST, PUT"), foo);
    assertProblem(
        exchange("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n"),
        431,
        "headers_too_large");
    assertProblem(
        exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        414,
        "uri_too_long");
  }

  @Test
  void http10WithoutHostIsServed() throws Exception {
    String answer = exchange("GET /ok HTTP/1.0\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.0 200") || answer.startsWith("HTTP/1.1 200"), answer);
  }

  @Test
  void aClientStillSendingAnOversizedBodyReadsThe413() throws Exception {
    int size = 10 << 20;
    for (int attempt = 0; attempt < 5; attempt++) {
      try (Socket socket = connect(port)) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + size
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<Integer> sent =
            CompletableFuture.supplyAsync(
                () -> {
                  byte[] chunk = new byte[64 * 1024];
                  int total = 0;
                  try {
                    while (total < size) {
                      out.write(chunk);
                      total += chunk.length;
                    }
                  } catch (IOException stoppedByServer) {
                    // the server closed after its answer and the linger: fine, the answer was read
                  }
                  return total;
                });
        String answer = readUntilClosed(socket);
        assertProblem(answer, 413, "payload_too_large");
        sent.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void connectionsPastMaxConnectionsGet503WithRetryAfter() throws Exception {
    var config =
        ConfigFactory.parseString(
                "pushgate.api.http.max-connections = 2\npushgate.api.http.max-refusing-connections = 2")
            .withFallback(testKit.system().settings().config());
    ApiServer small =
        ApiServer.start(
                testKit.system(),
                route,
                DirectRoute.NONE,
                ApiListenerSettings.fromConfig(config, "127.0.0.1", 0))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    int smallPort = small.localAddress().getPort();
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) { // two served keep-alive connections, proven by a 200 each
        Socket socket = connect(smallPort);
        held.add(socket);
        socket
            .getOutputStream()
            .write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
      }
      try (Socket third = connect(smallPort)) {
        third
            .getOutputStream()
            .write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = readUntilClosed(third);
        assertProblem(answer, 503, "overloaded");
        assertTrue(answer.contains("Retry-After: 1"), answer);
      }
      held.remove(0)
          .close(); // a served connection ends: new ones are served again once the node saw it
      // close
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (Socket next = connect(smallPort)) {
                  next.getOutputStream()
                      .write(
                          "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                  return readUntilClosed(next).startsWith("HTTP/1.1 200");
                }
              });
    } finally {
      for (Socket s : held) s.close();
      small.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pastBothLimitsNewConnectionsWaitUnansweredUntilOneCloses() throws Exception {
    var config =
        ConfigFactory.parseString(
                "pushgate.api.http.max-connections = 1\npushgate.api.http.max-refusing-connections = 1")
            .withFallback(testKit.system().settings().config());
    ApiServer small =
        ApiServer.start(
                testKit.system(),
                route,
                DirectRoute.NONE,
                ApiListenerSettings.fromConfig(config, "127.0.0.1", 0))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    int smallPort = small.localAddress().getPort();
    try (Socket servedOne = connect(smallPort)) {
      servedOne
          .getOutputStream()
          .write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readResponse(servedOne.getInputStream()).startsWith("HTTP/1.1 200"));
      Socket refusingOne = connect(smallPort); // accepted past max-connections, sends nothing yet
      try (Socket waiting = connect(smallPort)) { // past both: left in the backlog
        waiting
            .getOutputStream()
            .write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        waiting.setSoTimeout(1_500);
        assertThrows(
            SocketTimeoutException.class,
            () -> waiting.getInputStream().read(),
            "answered past both limits");
        refusingOne
            .close(); // room for one refusing connection again: the waiting one is accepted and
        // refused
        waiting.setSoTimeout(20_000);
        assertProblem(readUntilClosed(waiting), 503, "overloaded");
      }
    } finally {
      small.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // ---- helpers ----

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private String exchange(String request) throws Exception {
    try (Socket socket = connect(port)) {
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException answeredEarly) {
        // the server answered and closed while the request was still being sent
      }
      return readUntilClosed(socket);
    }
  }

  static void assertProblem(String answer, int status, String code) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
    assertTrue(
        answer.toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"), answer);
    assertTrue(answer.contains("\"code\":\"" + code + "\""), answer);
    assertTrue(answer.contains("\"status\":" + status), answer);
  }

  /** Everything the server sends until it closes; fails on a reset or 20 s of silence. */
  static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "not closed within 20 s; read: " + out.toString(StandardCharsets.UTF_8), e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** One response with a Content-Length body, leaving the connection open. */
  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n')
        break;
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        length = Integer.parseInt(line.substring(15).trim());
    }
    byte[] body = in.readNBytes(length);
    assertEquals(length, body.length, "whole body");
    return text + new String(body, StandardCharsets.UTF_8);
  }
}
