package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.session.SessionCommand;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Fuzz of the gateway's HTTP layer over real sockets (issue 14): random request lines (methods,
 * targets, HTTP versions), headers (odd, duplicated, oversized, conflicting lengths, chunked), and
 * bodies (short, long, missing). Every request must be answered with an HTTP response within a few
 * seconds (a request that never completes gets 408 at http-request-read-timeout), never 500, every
 * error as problem+json; and the node keeps serving a control request.
 */
class HttpFuzzTest {

  private static ActorTestKit testKit;
  private static GatewayServer server;

  @BeforeContainer
  static void start() throws Exception {
    testKit = ActorTestKit.create("http-fuzz");
    server =
        GatewayServer.start(
                testKit.system(),
                GatewayDeps.of(
                        testKit.system(),
                        id -> testKit.createTestProbe(SessionCommand.class).ref(),
                        TestApps.REGISTRY)
                    .withSettings(
                        GatewayTestSettings.gateway(
                            "max-http-body-bytes = 4 KiB, http-request-read-timeout = 1s")))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterContainer
  static void stop() throws Exception {
    if (server != null) server.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (testKit != null) testKit.shutdownTestKit();
  }

  record Answer(int status, String head) {}

  @Property
  void everyRequestIsAnsweredWithoutA500(@ForAll("requests") String request) throws Exception {
    // a client that sends nothing at all is closed at http-idle-timeout, not answered
    net.jqwik.api.Assume.that(!request.isEmpty());
    Answer answer = send(request.getBytes(StandardCharsets.ISO_8859_1));
    if (answer == null) {
      throw new AssertionError("closed without an answer: " + printable(request));
    } else {
      assertNotEquals(500, answer.status(), () -> "500 for " + printable(request));
      if (answer.status() >= 400) {
        assertTrue(
            answer.head().toLowerCase().contains("content-type: application/problem+json"),
            () -> "problem+json for " + printable(request) + ": " + answer.head());
      }
    }
    Answer control =
        send(
            ("GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertTrue(control != null && control.status() == 101, "the node keeps accepting WebSockets");
  }

  /** Sends bytes, reads the first response head; null if the server closed without one. */
  private static Answer send(byte[] bytes) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(5_000);
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (SocketException closedWhileSending) {
        // answered and closed early (e.g. 413): the answer is still to be read
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      try {
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) throw new EOFException();
          head.write(b);
        }
      } catch (EOFException | SocketException ended) {
        if (head.size() == 0) return null;
        throw new AssertionError(
            "the response head was cut off: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      Matcher m = Pattern.compile("^HTTP/1\\.[01] (\\d{3}) ").matcher(text);
      assertTrue(m.find(), () -> "an HTTP response: " + text);
      return new Answer(Integer.parseInt(m.group(1)), text);
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 300 ? s.substring(0, 300) + "..." : s;
    return cut.replace("\r", "\\r").replace("\n", "\\n");
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> requests() {
    Arbitrary<String> method =
        Arbitraries.of(
            "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "CONNECT", "PRI", "G ET", "", "get");
    Arbitrary<String> target =
        Arbitraries.oneOf(
            Arbitraries.of(
                "/",
                "/v1/ws",
                "/v1/ws?x=1",
                "/v1/apps/demo/messages",
                "*",
                "http://x/y",
                "//",
                "/%00",
                "/a b",
                "/" + "x".repeat(5000),
                "",
                "/\u00e9"),
            Arbitraries.strings().ofMaxLength(30).map(s -> "/" + s));
    Arbitrary<String> version =
        Arbitraries.of(
            "HTTP/1.1",
            "HTTP/1.1",
            "HTTP/1.0",
            "HTTP/2.0",
            "HTTP/0.9",
            "HTTP/1.2",
            "",
            "HTTPS/1.1",
            "http/1.1");
    Arbitrary<String> header =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Host: x",
                "Connection: close",
                "Connection: keep-alive",
                "Content-Type: application/json",
                "Content-Length: 2",
                "Content-Length: -1",
                "Content-Length: abc",
                "Content-Length: 99999999999",
                "Content-Length: 10000",
                "Content-Length: 0",
                "Transfer-Encoding: chunked",
                "Transfer-Encoding: gzip, chunked",
                "Expect: 100-continue",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Authorization: Bearer demo-api-key",
                "X-Big: " + "y".repeat(10_000),
                " folded",
                "NoColon",
                ": empty-name",
                "X-\u00ff: \u00ff"),
            Arbitraries.strings().ofMaxLength(40));
    Arbitrary<String> body =
        Arbitraries.oneOf(
            Arbitraries.of(
                "",
                "{}",
                "0\r\n\r\n",
                "5\r\nhello\r\n0\r\n\r\n",
                "zz\r\n",
                "{\"to\":[\"a\"],\"data\":1}",
                "x".repeat(6000)),
            Arbitraries.strings().ofMaxLength(60));
    Arbitrary<String> wellFormed =
        Combinators.combine(method, target, version, header.list().ofMaxSize(8), body)
            .as(
                (m, t, v, hs, b) ->
                    m
                        + " "
                        + t
                        + " "
                        + v
                        + "\r\n"
                        + hs.stream().map(h -> h + "\r\n").collect(Collectors.joining())
                        + "\r\n"
                        + b);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, wellFormed),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)),
        net.jqwik.api.Tuple.of(
            1, wellFormed.list().ofMinSize(2).ofMaxSize(4).map(l -> String.join("", l))));
  }
}
