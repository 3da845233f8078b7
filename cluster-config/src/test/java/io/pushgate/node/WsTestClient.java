package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for end-to-end tests over real sockets (the JDK's client, which reports close
 * codes). Frames are parsed as JSON and queued; every wait is bounded.
 */
final class WsTestClient implements WebSocket.Listener, AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  static WsTestClient connect(String hostPort) throws Exception {
    WsTestClient client = new WsTestClient();
    client.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(TIMEOUT)
            .buildAsync(URI.create("ws://" + hostPort + "/v1/ws"), client)
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return client;
  }

  /** Connects, says hello and returns the welcome frame. */
  static WsTestClient connectAndHello(String hostPort, String app, String token) throws Exception {
    WsTestClient client = connect(hostPort);
    client.send("{\"t\":\"hello\",\"app\":\"" + app + "\",\"token\":\"" + token + "\",\"hb\":30}");
    client.welcome = client.next("welcome");
    return client;
  }

  JsonNode welcome;

  void send(String text) throws Exception {
    socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  void sendWithoutWaiting(String text) {
    socket.sendText(text, true);
  }

  void ack(long seq) throws Exception {
    send("{\"t\":\"ack\",\"seq\":" + seq + "}");
  }

  /** Cumulative ack of broadcasts up to {@code bseq}. */
  void ackBroadcast(long bseq) throws Exception {
    send("{\"t\":\"ack\",\"bseq\":" + bseq + "}");
  }

  /** The next frame within {@code wait}, or null. */
  JsonNode poll(Duration wait) throws InterruptedException {
    return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next frame, which must be of type {@code t}. */
  JsonNode next(String t) throws InterruptedException {
    JsonNode frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(frame, "no '" + t + "' frame within " + TIMEOUT);
    assertEquals(t, frame.path("t").asText(), "unexpected frame " + frame);
    return frame;
  }

  /** The close code the server sent; fails if the socket is not closed within the timeout. */
  int awaitClose() throws Exception {
    return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        frames.add(JSON.readTree(partial.toString()));
      } catch (Exception e) {
        frames.add(JSON.createObjectNode().put("t", "unparseable").put("text", partial.toString()));
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }

  /** Closes with 1000 and waits for the server's answering close frame. */
  void closeGracefully() throws Exception {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    awaitClose();
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    socket.abort();
  }
}
