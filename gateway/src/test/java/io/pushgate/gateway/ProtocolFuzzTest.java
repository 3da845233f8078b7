package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.gateway.RawWebSocket.Ending;
import io.pushgate.gateway.RawWebSocket.Frame;
import io.pushgate.gateway.RawWebSocket.Transcript;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.CloseCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz of the client protocol over real sockets (issue 14): each try opens a WebSocket, sends a
 * random sequence of frames (valid frames out of order, wrong field types, huge numbers, garbage
 * JSON, invalid UTF-8, binary, fragments, control frames with bad sizes, close frames with any code
 * and reason, unknown opcodes, reserved bits, floods) and closes. Every try must end with exactly
 * one close frame, with a documented code (never 1011), then EOF; every error frame must carry a
 * documented code; and afterwards a control client is still served. Seeded by jqwik (the seed of a
 * failure is printed); tries: {@code jqwik.tries.default}.
 */
class ProtocolFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ERROR_CODES =
      Arrays.stream(ClientErrorCode.values())
          .map(ClientErrorCode::code)
          .collect(Collectors.toSet());
  private static final Set<Integer> CLOSE_CODES =
      Arrays.stream(CloseCode.values()).map(CloseCode::code).collect(Collectors.toSet());
  private static GatewayTestNode node;

  /**
   * One thing a client sends: its bytes, and the close code it carries if it is a valid close
   * frame.
   */
  record Action(String label, byte[] bytes, int clientCloseCode) {
    @Override
    public String toString() {
      return label;
    }
  }

  @BeforeContainer
  static void start() throws Exception {
    node = new GatewayTestNode("protocol-fuzz", "max-frame-bytes = 8 KiB, hello-timeout = 3s");
  }

  @AfterContainer
  static void stop() throws Exception {
    if (node != null) node.close();
  }

  @Property
  void everySequenceEndsWithOneDocumentedCloseAndTheNodeKeepsServing(
      @ForAll boolean helloFirst, @ForAll("actions") List<Action> actions) throws Exception {
    Set<Integer> allowed = new HashSet<>(CLOSE_CODES);
    allowed.remove(CloseCode.INTERNAL_ERROR.code());
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    if (helloFirst)
      burst.writeBytes(
          text("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\""
                  + TestApps.token("fuzz-alice")
                  + "\"}")
              .bytes());
    for (Action a : actions) {
      burst.writeBytes(a.bytes());
      if (a.clientCloseCode() > 0) allowed.add(a.clientCloseCode());
    }
    burst.writeBytes(
        RawWebSocket.encode(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8})); // 1000
    allowed.add(1000);

    Transcript t;
    try (RawWebSocket ws = node.raw()) {
      try {
        ws.sendRaw(burst.toByteArray());
      } catch (IOException closedWhileSending) {
        // the server ended the connection mid-burst; what it sent is still to be read
      }
      t = ws.readUntilEnd(false, 15_000);
    }
    List<Frame> closes = t.closeFrames();
    assertEquals(1, closes.size(), "exactly one close frame: " + t + " after " + actions);
    int code = closes.get(0).closeCode();
    assertTrue(
        allowed.contains(code) || code == 1005,
        "documented close code " + code + " after " + actions);
    assertNotEquals(Ending.TIMEOUT, t.ending(), "the connection ends: " + t);
    assertEquals(
        RawWebSocket.CLOSE,
        t.frames().get(t.frames().size() - 1).opcode(),
        "nothing after the close frame: " + t);
    for (Frame f : t.frames()) {
      if (f.opcode() != RawWebSocket.TEXT) continue;
      JsonNode frame = JSON.readTree(f.text());
      if (frame.path("t").asText().equals("error")) {
        assertTrue(
            ERROR_CODES.contains(frame.path("code").asText()), "documented error code: " + f);
      }
    }
    assertControlClientIsServed();
  }

  private static void assertControlClientIsServed() throws Exception {
    try (RawWebSocket control = node.raw()) {
      control.sendText(
          "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\""
              + TestApps.token("fuzz-control")
              + "\"}");
      assertTrue(control.nextText().contains("\"welcome\""));
      control.sendText("{\"t\":\"ping\"}");
      String next = control.nextText();
      while (!next.contains("\"pong\""))
        next = control.nextText(); // e.g. a push or reconnect first
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<List<Action>> actions() {
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, protocolFrames()),
            net.jqwik.api.Tuple.of(2, garbageText()),
            net.jqwik.api.Tuple.of(1, invalidUtf8()),
            net.jqwik.api.Tuple.of(1, binary()),
            net.jqwik.api.Tuple.of(2, fragments()),
            net.jqwik.api.Tuple.of(2, controlFrames()),
            net.jqwik.api.Tuple.of(1, closeFrames()),
            net.jqwik.api.Tuple.of(1, badHeaders()),
            net.jqwik.api.Tuple.of(1, flood()))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12);
  }

  private static Action text(String json) {
    return new Action(
        "text " + (json.length() > 60 ? json.substring(0, 60) + "..." : json),
        RawWebSocket.encode(true, RawWebSocket.TEXT, json.getBytes(StandardCharsets.UTF_8)),
        0);
  }

  private Arbitrary<Action> protocolFrames() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.of(
                "1e400",
                "99999999999999999999999",
                "-1",
                "0",
                "null",
                "true",
                "\"x\"",
                "[]",
                "{}",
                "1.5"),
            Arbitraries.strings().alpha().ofMaxLength(12).map(s -> "\"" + s + "\""));
    Arbitrary<String> frame =
        Arbitraries.oneOf(
            Arbitraries.just(
                "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\""
                    + TestApps.token("fuzz-bob")
                    + "\"}"),
            value.map(
                v -> "{\"t\":\"hello\",\"app\":" + v + ",\"token\":" + v + ",\"hb\":" + v + "}"),
            value.map(v -> "{\"t\":\"ack\",\"seq\":" + v + "}"),
            Combinators.combine(value, value)
                .as(
                    (a, b) ->
                        "{\"t\":\"ack\",\"seq\":" + a + ",\"bseq\":" + b + ",\"app\":" + b + "}"),
            Arbitraries.just("{\"t\":\"ping\"}"),
            value.map(v -> "{\"t\":\"sub\",\"topic\":" + v + ",\"since\":" + v + "}"),
            value.map(v -> "{\"t\":\"unsub\",\"topic\":" + v + "}"),
            value.map(v -> "{\"t\":\"bind\",\"app\":" + v + ",\"token\":" + v + "}"),
            value.map(v -> "{\"t\":\"unbind\",\"app\":" + v + "}"),
            value.map(v -> "{\"t\":" + v + "}"),
            Arbitraries.integers()
                .between(100, 3000)
                .map(d -> "{\"t\":\"ack\",\"seq\":" + "[".repeat(d) + "]".repeat(d) + "}"));
    return frame.map(ProtocolFuzzTest::text);
  }

  private Arbitrary<Action> garbageText() {
    return Arbitraries.strings().ofMaxLength(200).map(ProtocolFuzzTest::text);
  }

  private Arbitrary<Action> invalidUtf8() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(40)
        .map(
            b -> {
              byte[] bad = Arrays.copyOf(b, b.length + 1);
              bad[b.length] = (byte) 0xff; // never valid in UTF-8
              return new Action(
                  "invalid utf-8 text", RawWebSocket.encode(true, RawWebSocket.TEXT, bad), 0);
            });
  }

  private Arbitrary<Action> binary() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(100)
        .map(b -> new Action("binary", RawWebSocket.encode(true, RawWebSocket.BINARY, b), 0));
  }

  private Arbitrary<Action> fragments() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 4000),
            Arbitraries.of(true, false))
        .as(
            (parts, size, finish) -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              byte[] chunk = "x".repeat(size).getBytes(StandardCharsets.US_ASCII);
              out.writeBytes(
                  RawWebSocket.encode(
                      false,
                      RawWebSocket.TEXT,
                      "{\"t\":\"ping\",\"p\":\"".getBytes(StandardCharsets.US_ASCII)));
              for (int i = 0; i < parts; i++)
                out.writeBytes(RawWebSocket.encode(false, RawWebSocket.CONTINUATION, chunk));
              if (finish)
                out.writeBytes(
                    RawWebSocket.encode(
                        true,
                        RawWebSocket.CONTINUATION,
                        "\"}".getBytes(StandardCharsets.US_ASCII)));
              return new Action(
                  "fragments " + parts + "x" + size + (finish ? "" : " unfinished"),
                  out.toByteArray(),
                  0);
            });
  }

  private Arbitrary<Action> controlFrames() {
    return Combinators.combine(
            Arbitraries.of(RawWebSocket.PING, RawWebSocket.PONG),
            Arbitraries.integers().between(0, 200),
            Arbitraries.of(true, false))
        .as(
            (op, len, fin) ->
                new Action(
                    "control op=" + op + " len=" + len + " fin=" + fin,
                    RawWebSocket.encode(fin, op, new byte[len]),
                    0));
  }

  private Arbitrary<Action> closeFrames() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 5200),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(30),
            Arbitraries.of(true, false))
        .as(
            (code, reason, withBody) -> {
              if (!withBody)
                return new Action(
                    "close (no body)",
                    RawWebSocket.encode(true, RawWebSocket.CLOSE, new byte[0]),
                    1005);
              byte[] body = new byte[2 + reason.length];
              body[0] = (byte) (code >> 8);
              body[1] = (byte) (int) code;
              System.arraycopy(reason, 0, body, 2, reason.length);
              return new Action(
                  "close " + code, RawWebSocket.encode(true, RawWebSocket.CLOSE, body), code);
            });
  }

  private Arbitrary<Action> badHeaders() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 255),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(20))
        .as(
            (first, payload) ->
                new Action(
                    "frame first byte 0x" + Integer.toHexString(first),
                    RawWebSocket.encodeRaw(first, payload),
                    0));
  }

  private Arbitrary<Action> flood() {
    return Arbitraries.integers()
        .between(50, 400)
        .map(
            n -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              byte[] ping =
                  RawWebSocket.encode(
                      true,
                      RawWebSocket.TEXT,
                      "{\"t\":\"ping\"}".getBytes(StandardCharsets.US_ASCII));
              for (int i = 0; i < n; i++) out.writeBytes(ping);
              return new Action("flood of " + n + " pings", out.toByteArray(), 0);
            });
  }
}
