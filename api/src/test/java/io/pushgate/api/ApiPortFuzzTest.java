package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Fuzz of the API port below the routes (issue 23), as {@code HttpFuzzTest} does for the client
 * port: raw bytes on a real socket (odd request lines, methods, versions, oversized and broken
 * headers, short and chunked bodies, garbage, pipelined requests), sent whole or trickled in pieces
 * with pauses (slow clients). Every connection gets an HTTP answer, never a silent close and never
 * 500, within the client's 10 s read timeout (a head that never completes is cut at {@code
 * request-read-timeout}, here 600 ms, with 408); every error is problem+json with a documented code
 * and a matching status; the port keeps serving a control request. Seeded by jqwik; bounded: a try
 * takes at most a few seconds.
 */
class ApiPortFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final App DEMO =
      new App("demo", "demo-key", "fuzz-test-token-secret-0123456789abcdef", false);
  private static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
  private static final long READ_TIMEOUT_MS = 600;
  private static ActorTestKit testKit;
  private static int port;

  /** A request as bytes, sent in {@code pieces} with {@code pauseMs} between them. */
  record Attempt(String request, int pieces, int pauseMs) {
    @Override
    public String toString() {
      String cut = request.length() > 300 ? request.substring(0, 300) + "..." : request;
      return pieces
          + " pieces, "
          + pauseMs
          + " ms apart: "
          + cut.replace("\r", "\\r").replace("\n", "\\n");
    }
  }

  record Answer(int status, String head, String body) {}

  @BeforeContainer
  static void start() throws Exception {
    testKit =
        SingleNodeTestKit.start(
            "ApiPortFuzzTest",
            "pushgate.api.http.request-read-timeout = "
                + READ_TIMEOUT_MS
                + "ms\npushgate.api.http.linger-timeout = 1s");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes = TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(DEMO)));
    port =
        ApiServer.start(
                testKit.system(),
                routes.route(),
                routes.directSends(),
                ApiTestServer.localSettings(testKit.system()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .localAddress()
            .getPort();
  }

  @AfterContainer
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
  }

  @Property(tries = 100)
  void everyConnectionGetsADocumentedAnswer(@ForAll("attempts") Attempt attempt) throws Exception {
    Answer answer = send(attempt);
    if (answer == null) throw new AssertionError("closed without an answer: " + attempt);
    assertNotEquals(500, answer.status(), () -> "500 for " + attempt);
    if (answer.status() >= 400) {
      assertTrue(
          answer.head().toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"),
          () -> "problem+json for " + attempt + ": " + answer.head());
      if (!answer.body().isEmpty()) { // a HEAD request's answer has no body
        JsonNode problem = JSON.readTree(answer.body());
        assertTrue(
            CODES.contains(problem.path("code").asText()),
            () -> "documented code " + problem + " for " + attempt);
        assertEquals(answer.status(), problem.path("status").asInt(), () -> "status of " + problem);
      }
    }
    Answer control =
        send(
            new Attempt(
                "GET /v1/apps/demo/users/control HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-key\r\n\r\n",
                1,
                0));
    assertTrue(control != null && control.status() == 200, "the port keeps serving");
  }

  /** Sends the attempt, reads the first answer; null if the server closed without one. */
  private static Answer send(Attempt attempt) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] bytes = attempt.request().getBytes(StandardCharsets.ISO_8859_1);
      OutputStream out = socket.getOutputStream();
      try {
        int step = Math.max(1, (bytes.length + attempt.pieces() - 1) / attempt.pieces());
        for (int from = 0; from < bytes.length; from += step) {
          if (from > 0) Thread.sleep(attempt.pauseMs()); // the client under test is slow by design
          out.write(bytes, from, Math.min(step, bytes.length - from));
          out.flush();
        }
      } catch (SocketException answeredEarly) {
        // answered and closed while still sending (413, 408, 400): the answer is still to be read
      }
      return read(socket.getInputStream(), attempt.request().startsWith("HEAD "));
    }
  }

  /**
   * Reads one response. The answer to a HEAD has no body whatever its Content-Length says (RFC
   * 9110, 9.3.2): what follows it is the answer to the next request on the connection.
   */
  private static Answer read(InputStream in, boolean headRequest) throws IOException {
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
    Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(text);
    String body = "";
    if (!headRequest && length.find() && !text.startsWith("HTTP/1.1 1")) {
      body = new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
    return new Answer(Integer.parseInt(m.group(1)), text, body);
  }

  // ---- generators ----

  @Provide
  Arbitrary<Attempt> attempts() {
    Arbitrary<Integer> pieces =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(1)), Tuple.of(3, Arbitraries.integers().between(2, 6)));
    Arbitrary<Integer> pause =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 50)),
            Tuple.of(1, Arbitraries.integers().between(300, 700)));
    return Combinators.combine(requests(), pieces, pause)
        .as(Attempt::new)
        .filter(a -> (long) (a.pieces() - 1) * a.pauseMs() < 4_000);
  }

  private static Arbitrary<String> requests() {
    Arbitrary<String> method =
        Arbitraries.of(
            "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "FOO", "PRI", "G ET", "",
            "get");
    Arbitrary<String> target =
        Arbitraries.oneOf(
            Arbitraries.of(
                "/v1/apps/demo/messages",
                "/v1/apps/demo/messages",
                "/v1/apps/demo/messages:batch",
                "/v1/apps/demo/users/u1",
                "/v1/dispatch?app=demo&user=u1",
                "/",
                "*",
                "http://x/v1/apps/demo/messages",
                "//",
                "/%00",
                "/a b",
                "/" + "x".repeat(5000),
                ""),
            Arbitraries.strings().ofMaxLength(30).map(s -> "/" + s));
    Arbitrary<String> version =
        Arbitraries.of(
            "HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "", "http/1.1");
    Arbitrary<String> header =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Host: x",
                "Host: x",
                "Connection: close",
                "Content-Type: application/json",
                "Content-Type: application/json",
                "Authorization: Bearer demo-key",
                "Authorization: Bearer demo-key",
                "Authorization: Bearer  demo-key ",
                "Authorization: Basic x",
                "Content-Length: 2",
                "Content-Length: -1",
                "Content-Length: abc",
                "Content-Length: 99999999999",
                "Content-Length: 10485760",
                "Content-Length: 0",
                "Transfer-Encoding: chunked",
                "Expect: 100-continue",
                "Idempotency-Key: k1",
                "X-Big: " + "y".repeat(100_000),
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
                "{\"to\":[\"a\"],\"data\":1}",
                "{\"to\":[\"a\"],\"qos\":null,\"data\":1}",
                "\ufeff{\"to\":[\"a\"],\"data\":1}",
                "{\"messages\":[{\"to\":[\"a\"],\"data\":1}]}",
                "0\r\n\r\n",
                "5\r\nhello\r\n0\r\n\r\n",
                "zz\r\n",
                "x".repeat(6000)),
            Arbitraries.strings().ofMaxLength(60));
    Arbitrary<String> wellFormed =
        Combinators.combine(method, target, version, header.list().ofMaxSize(7), body)
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
    Arbitrary<String> headOnly =
        Combinators.combine(method, target, version)
            .as((m, t, v) -> m + " " + t + " " + v + "\r\nHost: x\r\n");
    return Arbitraries.frequencyOf(
        Tuple.of(8, wellFormed),
        Tuple.of(1, headOnly), // never finished: 408
        Tuple.of(
            1,
            Arbitraries.strings().ofMinLength(1).ofMaxLength(200)), // garbage: 400 at once or 408
        Tuple.of(1, wellFormed.list().ofMinSize(2).ofMaxSize(3).map(l -> String.join("", l))));
  }
}
