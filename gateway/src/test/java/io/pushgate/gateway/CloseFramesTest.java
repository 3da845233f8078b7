package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pushgate.gateway.RawWebSocket.Ending;
import io.pushgate.gateway.RawWebSocket.Transcript;
import io.pushgate.gateway.transport.websocket.WebSocketConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Every way a connection ends carries exactly one close frame with the documented code, followed by
 * a clean end of the TCP stream (never a second close frame, never a bare reset). Regression tests
 * for issue 14, defect 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloseFramesTest {

  private static final int READ_MILLIS = 10_000;
  private GatewayTestNode node;

  @BeforeAll
  void start() throws Exception {
    node = new GatewayTestNode("close-frames", "max-frame-bytes = 8 KiB");
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private RawWebSocket welcomed(String user) throws Exception {
    RawWebSocket ws = node.raw();
    ws.sendText("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"" + TestApps.token(user) + "\"}");
    assertTrue(ws.nextText().contains("\"welcome\""));
    return ws;
  }

  /**
   * What the server sent after {@code bytes}, the client answering the close as a conforming one.
   */
  private Transcript after(RawWebSocket ws, byte[] bytes) throws Exception {
    ws.sendRaw(bytes);
    Transcript t = ws.readUntilEnd(true, READ_MILLIS);
    ws.close();
    assertEquals(
        Ending.EOF, t.ending(), "the connection must end with EOF after the close frame: " + t);
    return t;
  }

  private static byte[] frame(int opcode, byte[] payload) {
    return RawWebSocket.encode(true, opcode, payload);
  }

  private static byte[] closeFrame(int code, byte[] reason) {
    byte[] body = new byte[2 + reason.length];
    body[0] = (byte) (code >> 8);
    body[1] = (byte) code;
    System.arraycopy(reason, 0, body, 2, reason.length);
    return frame(RawWebSocket.CLOSE, body);
  }

  @Test
  void unknownOpcodeGetsOne1002() throws Exception {
    assertEquals(1002, after(welcomed("op-alice"), frame(0x3, new byte[] {1})).singleCloseCode());
  }

  @Test
  void invalidUtf8TextGetsOne1007() throws Exception {
    assertEquals(
        1007,
        after(
                welcomed("utf-alice"),
                frame(RawWebSocket.TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28}))
            .singleCloseCode());
  }

  @Test
  void oversizeFrameGetsOne1009EvenWhileTheClientIsStillSending() throws Exception {
    byte[] big = new byte[256 * 1024];
    Arrays.fill(big, (byte) 'x');
    assertEquals(
        1009, after(welcomed("big-alice"), frame(RawWebSocket.TEXT, big)).singleCloseCode());
  }

  @Test
  void oversizeFragmentedMessageGetsOne1009() throws Exception {
    RawWebSocket ws = welcomed("frag-alice");
    byte[] part = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    ws.sendFrame(false, RawWebSocket.TEXT, part);
    ws.sendFrame(false, RawWebSocket.CONTINUATION, part);
    assertEquals(
        1009,
        after(ws, RawWebSocket.encode(true, RawWebSocket.CONTINUATION, part)).singleCloseCode());
  }

  @Test
  void aClientVanishingMidMessageIsNoWarning() throws Exception {
    Logger connectionLog = (Logger) LoggerFactory.getLogger(WebSocketConnection.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Level level = connectionLog.getLevel();
    connectionLog.setLevel(Level.DEBUG);
    connectionLog.addAppender(logged);
    try {
      RawWebSocket ws = welcomed("vanish-alice");
      ws.sendFrame(false, RawWebSocket.TEXT, "{\"t\":\"up\",".getBytes(StandardCharsets.US_ASCII));
      ws.close(); // gone without the rest of the message or a close frame
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  logged.list.stream()
                      .anyMatch(
                          e ->
                              e.getFormattedMessage()
                                  .contains("closed in the middle of a message")));
      List<ILoggingEvent> events = List.copyOf(logged.list);
      assertTrue(
          events.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)),
          events.toString());
      assertTrue(
          events.stream().allMatch(e -> e.getThrowableProxy() == null),
          "no stack trace: " + events);
    } finally {
      connectionLog.detachAppender(logged);
      connectionLog.setLevel(level);
    }
  }

  @Test
  void continuationWithoutStartGetsOne1002() throws Exception {
    assertEquals(
        1002,
        after(
                welcomed("cont-alice"),
                RawWebSocket.encode(true, RawWebSocket.CONTINUATION, new byte[] {'x'}))
            .singleCloseCode());
  }

  @Test
  void unmaskedClientFrameGetsOne1002() throws Exception {
    byte[] unmasked = {(byte) 0x81, 0x02, '{', '}'};
    assertEquals(1002, after(welcomed("mask-alice"), unmasked).singleCloseCode());
  }

  @Test
  void clientCloseWithAnInvalidCodeGetsOne1002() throws Exception {
    assertEquals(
        1002, after(welcomed("c999-alice"), closeFrame(999, new byte[0])).singleCloseCode());
    assertEquals(
        1002, after(welcomed("c1005-alice"), closeFrame(1005, new byte[0])).singleCloseCode());
  }

  @Test
  void clientCloseWithAReasonThatIsNotUtf8GetsOne1007() throws Exception {
    assertEquals(
        1007,
        after(welcomed("creason-alice"), closeFrame(1000, new byte[] {(byte) 0xff, (byte) 0xfe}))
            .singleCloseCode());
  }

  @Test
  void clientCloseIsAnsweredOnceWithItsCode() throws Exception {
    assertEquals(
        1000,
        after(welcomed("bye-alice"), closeFrame(1000, "bye".getBytes(StandardCharsets.UTF_8)))
            .singleCloseCode());
    assertEquals(4321, after(welcomed("bye-bob"), closeFrame(4321, new byte[0])).singleCloseCode());
  }

  @Test
  void serverCloseAfterAProtocolErrorIsOneFrameAfterTheErrorFrame() throws Exception {
    RawWebSocket ws = node.raw();
    Transcript t =
        after(ws, frame(RawWebSocket.TEXT, "{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(4104, t.singleCloseCode());
    assertTrue(t.hasText("protocol_error"), t.toString());
  }

  @Test
  void aFloodWithoutReadingGetsOne4004() throws Exception {
    RawWebSocket ws = welcomed("flood-alice");
    byte[] ping = frame(RawWebSocket.TEXT, "{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) flood.writeBytes(ping);
    Transcript t = after(ws, flood.toByteArray());
    assertEquals(4004, t.singleCloseCode());
    assertTrue(t.hasText("rate_limited"), "error frame before the close");
  }

  @Test
  void aPingControlFrameFloodGetsOne4004() throws Exception {
    RawWebSocket ws = welcomed("pingflood-alice");
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) flood.writeBytes(frame(RawWebSocket.PING, new byte[] {1}));
    assertEquals(4004, after(ws, flood.toByteArray()).singleCloseCode());
  }
}
