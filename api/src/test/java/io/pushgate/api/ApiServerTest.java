package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API's own Pekko HTTP server, over raw sockets: requests too malformed or too large to route,
 * and requests not answered in time, get problem+json with the documented codes, like every other
 * API error (docs/api.md, "Limits").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {

  private ActorTestKit testKit;
  private int port;

  @BeforeAll
  void start() throws Exception {
    testKit =
        SingleNodeTestKit.start(
            "ApiServerTest",
            "pushgate.api.http.request-timeout = 1s\npushgate.api.http.parsing.max-content-length = 64k");
    var route =
        concat(
            path("ok", () -> complete(ApiResponses.json(200, Map.of("ok", true)))),
            path("never", () -> completeWithFuture(new CompletableFuture<HttpResponse>())),
            path(
                "echo",
                () ->
                    entity(
                        Unmarshaller.entityToByteArray(),
                        body -> complete(ApiResponses.json(200, Map.of("bytes", body.length))))),
            path(
                "boom",
                () -> {
                  throw new IllegalStateException("secret-cause");
                }));
    port = ApiTestServer.servePort(testKit.system(), route);
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aMalformedRequestLineIs400Problem() throws Exception {
    assertProblem(
        raw("GET /ok HTTP/1.1\r\nHost x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
        400,
        "bad_request");
    assertProblem(
        raw("GET /ok HTTP/7.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
        505,
        "http_version_not_supported");
  }

  @Test
  void aDeclaredBodyOverTheLimitIs413Problem() throws Exception {
    int size = 10 << 20;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                  + size
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertProblem(readAll(socket.getInputStream()), 413, "payload_too_large");
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIs413Problem() throws Exception {
    String chunk = "y".repeat(32 * 1024);
    StringBuilder request =
        new StringBuilder(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++)
      request
          .append(Integer.toHexString(chunk.length()))
          .append("\r\n")
          .append(chunk)
          .append("\r\n");
    request.append("0\r\n\r\n");
    assertProblem(
        raw(request.toString().getBytes(StandardCharsets.US_ASCII)), 413, "payload_too_large");
  }

  @Test
  void tooManyHeadersIsAProblem() throws Exception {
    StringBuilder request = new StringBuilder("GET /ok HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 100; i++) request.append("X-H").append(i).append(": v\r\n");
    String answer = raw(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    assertTrue(answer.startsWith("HTTP/1.1 431") || answer.startsWith("HTTP/1.1 400"), answer);
    assertTrue(answer.contains("application/problem+json"), answer);
  }

  @Test
  void aRouteFailureIsAProblemWithoutItsCause() throws Exception {
    String answer =
        raw(
            "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertProblem(answer, 500, "internal_error");
    assertTrue(!answer.contains("secret-cause"), answer);
  }

  @Test
  void anUnknownPathIs404Problem() throws Exception {
    String answer =
        raw(
            "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertProblem(answer, 404, "not_found");
  }

  @Test
  void aRequestNotAnsweredInTimeIs503Unavailable() throws Exception {
    String answer =
        raw(
            "GET /never HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertProblem(answer, 503, "unavailable");
  }

  @Test
  void theServerKeepsServingAndNamesItself() throws Exception {
    String answer =
        raw(
            "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertTrue(answer.toLowerCase().contains("server: pushgate"), answer);
  }

  private static void assertProblem(String answer, int status, String code) {
    assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
    assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
    assertTrue(answer.contains("\"code\":\"" + code + "\""), answer);
    assertTrue(answer.contains("\"status\":" + status), answer);
  }

  /** Sends bytes and returns everything the server answers until it closes (or 20 s pass). */
  private String raw(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (SocketException answeredEarly) {
        // the server answered and closed while the request was still being sent
      }
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
    } catch (SocketTimeoutException | SocketException end) {
      // keep-alive or reset after the answer: what was read is the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
