package io.pushgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A WebSocket client for tests over real sockets, on the JDK's {@link WebSocket} (which reports
 * close codes). Two modes:
 *
 * <ul>
 *   <li><b>recording</b> ({@link #connect}): text frames (JSON), binary frames (CBOR), the close
 *       and errors are queued in arrival order for the test to expect; demand is one message at a
 *       time, unless {@link #pause paused} (then the client stops reading and TCP backpressure
 *       builds up on the server);
 *   <li><b>acking</b> ({@link #connectAcking}): every {@code push} is handed to a callback instead
 *       of the queue and then acked by its seq, as a well-behaved client does; other frames are
 *       queued as in the recording mode.
 * </ul>
 *
 * Sends are chained (the JDK client allows one outstanding send), so any thread may send. Every
 * wait is bounded by {@link #TIMEOUT}.
 */
public final class WsTestClient implements WebSocket.Listener, FrameExpectations, AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  public static final long TIMEOUT_SECONDS = TIMEOUT.toSeconds();

  /** The WebSocket path of a node's client port (docs/protocol.md). */
  public static final String PATH = "/v1/ws";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new CBORMapper();
  private static final HttpClient SHARED_HTTP =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  public sealed interface Event {}

  /** A text message: a JSON frame. */
  public record Text(String text) implements Event {}

  /** A binary message: a CBOR frame. */
  public record Binary(byte[] bytes) implements Event {}

  public record Closed(int code, String reason) implements Event {}

  public record Failed(Throwable error) implements Event {}

  private final BlockingDeque<Event> events = new LinkedBlockingDeque<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
  private final Consumer<JsonNode> onPush;
  private volatile boolean paused;
  private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);
  private WebSocket ws;

  /** The welcome frame, set by {@link #connectAndHello}. */
  public JsonNode welcome;

  private WsTestClient(Consumer<JsonNode> onPush) {
    this.onPush = onPush;
  }

  /** A recording client connected to {@code uri} through {@code http}. */
  public static WsTestClient connect(HttpClient http, URI uri) throws Exception {
    return open(http, uri, null);
  }

  /** A recording client connected to a node's client port at {@code host:port}. */
  public static WsTestClient connect(String hostPort) throws Exception {
    return connect(SHARED_HTTP, uri(hostPort));
  }

  /** Connects a recording client, says hello (heartbeat 30 s) and keeps the welcome frame. */
  public static WsTestClient connectAndHello(String hostPort, String app, String token)
      throws Exception {
    WsTestClient client = connect(hostPort);
    client.hello(app, token, 30);
    client.welcome = client.next("welcome");
    return client;
  }

  /**
   * An acking client connected to {@code uri}: each push is given to {@code onPush} on the client's
   * listener thread (one at a time, in arrival order), then acked by its seq.
   */
  public static WsTestClient connectAcking(URI uri, Consumer<JsonNode> onPush) throws Exception {
    return open(SHARED_HTTP, uri, onPush);
  }

  /** {@code ws://host:port/v1/ws}. */
  public static URI uri(String hostPort) {
    return URI.create("ws://" + hostPort + PATH);
  }

  private static WsTestClient open(HttpClient http, URI uri, Consumer<JsonNode> onPush)
      throws Exception {
    WsTestClient client = new WsTestClient(onPush);
    client.ws =
        http.newWebSocketBuilder().buildAsync(uri, client).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return client;
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
      String text = partial.toString();
      partial.setLength(0);
      if (onPush == null || !ackedPush(text)) events.add(new Text(text));
    }
    if (!paused) webSocket.request(1);
    return null;
  }

  /** In the acking mode: acks and hands on a push; false for any other frame. */
  private boolean ackedPush(String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (Exception e) {
      return false; // queued as it came, for the test to see
    }
    if (!"push".equals(frame.path("t").asText())) return false;
    onPush.accept(frame);
    sendWithoutWaiting("{\"t\":\"ack\",\"seq\":" + frame.path("seq").asLong() + "}");
    return true;
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
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    events.add(new Failed(error));
    closeCode.completeExceptionally(error);
  }

  // ---- actions ----

  /** Sends one text message and waits until it is written. */
  public void send(String text) throws Exception {
    sendWithoutWaiting(text).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Sends one text message after those already sent; the future completes when it is written. */
  public CompletableFuture<?> sendWithoutWaiting(String text) {
    return after(socket -> socket.sendText(text, true));
  }

  /** Sends {@code parts} as one fragmented text message. */
  public void sendFragmented(String... parts) throws Exception {
    for (int i = 0; i < parts.length; i++) {
      boolean last = i == parts.length - 1;
      String part = parts[i];
      after(socket -> socket.sendText(part, last)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  public void sendBinary(byte[] bytes) throws Exception {
    after(socket -> socket.sendBinary(ByteBuffer.wrap(bytes), true))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  public void sendPing() throws Exception {
    after(socket -> socket.sendPing(ByteBuffer.wrap(new byte[] {1})))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Runs {@code send} once every earlier send has finished (whether it failed or not). */
  private synchronized CompletableFuture<?> after(
      Function<WebSocket, CompletableFuture<WebSocket>> send) {
    CompletableFuture<?> next = sends.handle((r, e) -> null).thenCompose(v -> send.apply(ws));
    sends = next;
    return next;
  }

  /** Says hello; {@code hb} (the heartbeat in seconds) is left out when null. */
  public void hello(String app, String token, Integer hb) throws Exception {
    send(TcpTestClient.helloJson(app, token, hb));
  }

  public void ack(long seq) throws Exception {
    send("{\"t\":\"ack\",\"seq\":" + seq + "}");
  }

  /** Cumulative ack of broadcasts up to {@code bseq}. */
  public void ackBroadcast(long bseq) throws Exception {
    send("{\"t\":\"ack\",\"bseq\":" + bseq + "}");
  }

  /** Sends a close frame (1000) and waits until it is written; the server's close follows. */
  public void sendClose() throws Exception {
    after(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Closes with 1000 and waits for the server's answering close frame, then drops the socket. */
  public void closeGracefully() throws Exception {
    sendClose();
    closeCode.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    ws.abort();
  }

  /**
   * Sends a close frame (1000) if none was sent and waits until it is written; drops the socket at
   * once if that fails (e.g. the node is gone). The server's answering close is still queued.
   */
  @Override
  public void close() {
    if (ws.isOutputClosed()) return;
    try {
      sendClose();
    } catch (Exception e) {
      ws.abort();
    }
  }

  /** Drops the TCP connection without a close frame. */
  public void abort() {
    ws.abort();
  }

  /** True once the server's close or an error arrived (or the socket was aborted). */
  public boolean isClosed() {
    return closeCode.isDone() || ws.isInputClosed();
  }

  /** Stop reading: no more demand after the message being delivered. */
  public void pause() {
    paused = true;
  }

  /** Read everything from now on. */
  public void resume() {
    paused = false;
    ws.request(Long.MAX_VALUE);
  }

  // ---- expectations ----

  public Event next() throws InterruptedException {
    Event e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "no event within " + TIMEOUT_SECONDS + " s");
    return e;
  }

  /** The next event must be a frame of type {@code t}; returns it. */
  public JsonNode next(String t) throws Exception {
    return expectFrame(t);
  }

  /** The next event must be a text frame (JSON) or a binary frame (CBOR); returns it parsed. */
  public JsonNode nextFrame() throws Exception {
    return nextJson();
  }

  @Override
  public JsonNode nextJson() throws Exception {
    Event e = next();
    if (e instanceof Text text) return JSON.readTree(text.text());
    if (e instanceof Binary binary) return CBOR.readTree(binary.bytes());
    throw new AssertionError("expected a frame, got " + e);
  }

  /**
   * The next frame if one arrives within {@code wait}, else null; a close or error is left queued
   * (null is returned) for {@link #awaitClose}.
   */
  public JsonNode poll(Duration wait) throws Exception {
    Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) return null;
    if (e instanceof Text text) return JSON.readTree(text.text());
    if (e instanceof Binary binary) return CBOR.readTree(binary.bytes());
    events.putFirst(e);
    return null;
  }

  /** Skips frames until the close; returns its code. */
  public int awaitClose() throws Exception {
    while (true) {
      Event e = next();
      if (e instanceof Closed closed) return closed.code();
      if (e instanceof Failed failed) fail("expected a close, got an error", failed.error());
    }
  }

  /** The next event must be the close with {@code code}. */
  public void expectClose(int code) throws Exception {
    Event e = next();
    if (!(e instanceof Closed closed))
      throw new AssertionError("expected close " + code + ", got " + e);
    assertEquals(code, closed.code(), "close code (reason " + closed.reason() + ")");
  }

  /**
   * Nothing arrives for a short while (used only after an expected sequence, not to synchronise).
   */
  public void expectNoEvent(long millis) throws InterruptedException {
    Event e = events.poll(millis, TimeUnit.MILLISECONDS);
    if (e != null) throw new AssertionError("unexpected event " + e);
  }
}
