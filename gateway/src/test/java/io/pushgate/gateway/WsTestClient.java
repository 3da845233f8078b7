package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test WebSocket client on {@link java.net.http.WebSocket}: records text messages, the close code
 * and errors in arrival order. Demand: one message at a time, unless paused (then the client stops
 * reading, so TCP backpressure builds up on the server).
 */
final class WsTestClient implements WebSocket.Listener, FrameExpectations {

  static final long TIMEOUT_SECONDS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR =
      new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();

  sealed interface Event {}

  record Text(String text) implements Event {}

  /** A binary message: a CBOR frame. */
  record Binary(byte[] bytes) implements Event {}

  record Closed(int code, String reason) implements Event {}

  record Failed(Throwable error) implements Event {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
  private volatile boolean paused;
  private WebSocket ws;

  static WsTestClient connect(HttpClient http, URI uri) throws Exception {
    WsTestClient client = new WsTestClient();
    client.ws =
        http.newWebSocketBuilder().buildAsync(uri, client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return client;
  }

  static URI uri(GatewayServer server) {
    return URI.create(
        "ws://127.0.0.1:" + server.localAddress().getPort() + GatewaySettings.WEBSOCKET_PATH);
  }

  // ---- listener ----

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      events.add(new Text(partial.toString()));
      partial.setLength(0);
    }
    if (!paused) webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partialBinary.writeBytes(chunk);
    if (last) {
      events.add(new Binary(partialBinary.toByteArray()));
      partialBinary.reset();
    }
    if (!paused) webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    events.add(new Closed(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    events.add(new Failed(error));
  }

  // ---- actions ----

  void send(String text) throws Exception {
    ws.sendText(text, true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Sends {@code parts} as one fragmented text message. */
  void sendFragmented(String... parts) throws Exception {
    for (int i = 0; i < parts.length; i++) {
      ws.sendText(parts[i], i == parts.length - 1).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  void sendBinary(byte[] bytes) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(bytes), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  void sendPing() throws Exception {
    ws.sendPing(ByteBuffer.wrap(new byte[] {1})).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  void hello(String app, String token, Integer hb) throws Exception {
    send(
        "{\"t\":\"hello\",\"app\":\""
            + app
            + "\",\"token\":\""
            + token
            + "\""
            + (hb == null ? "" : ",\"hb\":" + hb)
            + "}");
  }

  void ack(long seq) throws Exception {
    send("{\"t\":\"ack\",\"seq\":" + seq + "}");
  }

  void close() throws Exception {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  void abort() {
    ws.abort();
  }

  /** Stop reading: no more demand after the message being delivered. */
  void pause() {
    paused = true;
  }

  /** Read everything from now on. */
  void resume() {
    paused = false;
    ws.request(Long.MAX_VALUE);
  }

  // ---- expectations ----

  Event next() throws InterruptedException {
    Event e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "no event within " + TIMEOUT_SECONDS + " s");
    return e;
  }

  /** The next event must be a text frame (JSON) or a binary frame (CBOR); returns it parsed. */
  JsonNode nextFrame() throws Exception {
    return nextJson();
  }

  @Override
  public JsonNode nextJson() throws Exception {
    Event e = next();
    if (e instanceof Text text) return JSON.readTree(text.text());
    if (e instanceof Binary binary) return CBOR.readTree(binary.bytes());
    throw new AssertionError("expected a frame, got " + e);
  }

  /** Skips text frames until the close; returns its code. */
  int awaitClose() throws Exception {
    while (true) {
      Event e = next();
      if (e instanceof Closed closed) return closed.code();
      if (e instanceof Failed failed) fail("expected a close, got an error", failed.error());
    }
  }

  /** The next event must be the close with {@code code}. */
  void expectClose(int code) throws Exception {
    Event e = next();
    if (!(e instanceof Closed closed))
      throw new AssertionError("expected close " + code + ", got " + e);
    assertEquals(code, closed.code(), "close code (reason " + closed.reason() + ")");
  }

  /**
   * Nothing arrives for a short while (used only after an expected sequence, not to synchronise).
   */
  void expectNoEvent(long millis) throws InterruptedException {
    Event e = events.poll(millis, TimeUnit.MILLISECONDS);
    if (e != null) throw new AssertionError("unexpected event " + e);
  }
}
