package io.pushgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Pushgate client over WebSocket (JDK {@link HttpClient}; docs/protocol.md). It asks dispatch
 * where to connect, says hello, pings every granted heartbeat and treats a pong overdue by one
 * heartbeat as a dead server, passes each message to the {@link PushgateListener} once (duplicates
 * by {@code seq}/{@code bseq} per app are acked, not passed on), acks cumulatively after {@code
 * ackBatch} messages or {@code ackDelay}, re-subscribes its topics and re-binds its apps on every
 * connection, reconnects with dispatch's backoff and jitter (reset after a minute connected),
 * honours {@code reconnect} frames, and stops at terminal close codes.
 *
 * <p>Threading: all state lives on one thread of the client's own; public methods may be called
 * from any thread. Bounds: at most {@link Builder#maxQueuedSends} frames wait to be sent (beyond it
 * {@link #send} answers false), incoming messages are at most {@code max-frame-bytes} (the server's
 * bound), and the listener runs on the client's thread.
 */
public final class PushgateClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STABLE = Duration.ofMinutes(1);

  private final URI api;
  private final String app;
  private final String user;
  private final Supplier<String> tokens;
  private final boolean refreshableToken;
  private final PushgateListener listener;
  private final Integer hb;
  private final Duration ackDelay;
  private final int ackBatch;
  private final int maxQueuedSends;
  private final HttpClient http;
  private final ScheduledExecutorService thread;

  // state, touched on `thread` only
  private final Set<String> topics = new LinkedHashSet<>();
  private final Map<String, Supplier<String>> bound = new LinkedHashMap<>();
  private final Receipts receipts = new Receipts();
  private Backoff backoff = Backoff.DEFAULT;
  private int attempt;
  private boolean stopped = true;
  private ClientSocket connection;
  private List<String> nextEndpoints;
  private ScheduledFuture<?> heartbeat;

  private PushgateClient(Builder b) {
    this.api = b.api;
    this.app = b.app;
    this.user = b.user;
    this.tokens = b.tokens;
    this.refreshableToken = b.refreshableToken;
    this.listener = b.listener;
    this.hb = b.hb;
    this.ackDelay = b.ackDelay;
    this.ackBatch = b.ackBatch;
    this.maxQueuedSends = b.maxQueuedSends;
    this.topics.addAll(b.topics);
    this.http =
        b.http != null
            ? b.http
            : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pushgate-client-" + app + "-" + user);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * @param api the API's base URL, where dispatch is ({@code http://localhost:8081})
   * @param app the app id
   * @param user the user id
   */
  public static Builder builder(URI api, String app, String user) {
    return new Builder(api, app, user);
  }

  /** Starts connecting; keeps reconnecting until {@link #close()} or a terminal close code. */
  public void connect() {
    run(
        () -> {
          if (!stopped) return;
          stopped = false;
          open();
        });
  }

  /** Flushes pending acks, closes with 1000 and stops the client's thread. */
  @Override
  public void close() {
    run(
        () -> {
          boolean wasRunning = !stopped;
          flushAcks();
          stopped = true;
          stopHeartbeat();
          ClientSocket c = connection;
          connection = null;
          if (c != null) c.close(CloseCodes.NORMAL, "client");
          if (wasRunning) notify(() -> listener.onClosed(CloseCodes.NORMAL, "client", false));
          thread.schedule(thread::shutdown, 1, TimeUnit.SECONDS); // lets the close frame go out
        });
  }

  /** Subscribes to {@code topic} now and on every later connection (the token must grant it). */
  public void subscribe(String topic) {
    run(
        () -> {
          topics.add(topic);
          send(frame("sub").put("topic", topic));
        });
  }

  public void unsubscribe(String topic) {
    run(
        () -> {
          topics.remove(topic);
          send(frame("unsub").put("topic", topic));
        });
  }

  /** Binds another app's session to this connection, now and after every reconnect. */
  public void bind(String otherApp, Supplier<String> token) {
    run(
        () -> {
          bound.put(otherApp, token);
          if (connection != null && connection.welcomed) sendBind(otherApp, token);
        });
  }

  public void unbind(String otherApp) {
    run(
        () -> {
          bound.remove(otherApp);
          send(frame("unbind").put("app", otherApp));
        });
  }

  /**
   * Sends {@code data} upstream to the app's backend; the answer is an {@code upack} or {@code
   * error} frame with {@code id}.
   */
  public CompletionStage<Boolean> up(String id, String type, JsonNode data) {
    CompletableFuture<Boolean> sent = new CompletableFuture<>();
    run(
        () -> {
          ObjectNode f = frame("up").put("id", id).put("type", type);
          f.set("data", data);
          sent.complete(send(f));
        });
    return sent;
  }

  /**
   * Drops the connection as a network failure would, without a close frame (for tests, and for apps
   * that know the network changed); the client reconnects with its backoff.
   */
  public void abortConnection() {
    run(
        () -> {
          ClientSocket c = connection;
          if (c != null) {
            c.abort();
            onConnectionEnded(c, CloseCodes.ABNORMAL, "aborted");
          }
        });
  }

  // ---- lifecycle (on `thread`) ----

  private void open() {
    if (stopped) return;
    String token;
    try {
      token = tokens.get();
    } catch (RuntimeException e) {
      notify(() -> listener.onError(e));
      retry(CloseCodes.ABNORMAL, "no token");
      return;
    }
    List<String> endpoints = nextEndpoints;
    nextEndpoints = null;
    CompletionStage<List<String>> where =
        endpoints != null ? CompletableFuture.completedFuture(endpoints) : dispatch(token);
    where.whenCompleteAsync(
        (list, error) -> {
          if (stopped) return;
          if (error != null) {
            notify(() -> listener.onError(error));
            retry(CloseCodes.ABNORMAL, "dispatch failed");
          } else {
            tryEndpoint(list, 0, token);
          }
        },
        thread);
  }

  private CompletionStage<List<String>> dispatch(String token) {
    URI uri =
        URI.create(
            api.toString().replaceAll("/$", "")
                + "/v1/dispatch?app="
                + enc(app)
                + "&user="
                + enc(user));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != 200)
                throw new IllegalStateException(
                    "dispatch answered " + response.statusCode() + ": " + response.body());
              try {
                JsonNode body = JSON.readTree(response.body());
                JsonNode r = body.path("reconnect");
                if (r.isObject()) {
                  backoff =
                      new Backoff(
                          r.path("baseMillis").asLong(1000),
                          r.path("factor").asDouble(1.8),
                          r.path("jitter").asDouble(0.3),
                          r.path("maxMillis").asLong(300_000));
                }
                List<String> list = new ArrayList<>();
                body.path("endpoints").forEach(e -> list.add(e.asText()));
                if (list.isEmpty())
                  throw new IllegalStateException("dispatch returned no endpoints");
                return list;
              } catch (IOException e) {
                throw new IllegalStateException("dispatch answered no JSON", e);
              }
            });
  }

  private void tryEndpoint(List<String> endpoints, int index, String token) {
    if (stopped) return;
    if (index >= endpoints.size()) {
      retry(CloseCodes.ABNORMAL, "no endpoint answered");
      return;
    }
    ClientSocket c = new ClientSocket(maxQueuedSends);
    connection = c;
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(endpoints.get(index)), new Frames(c))
        .whenCompleteAsync(
            (ws, error) -> {
              if (connection != c) {
                if (ws != null) ws.abort();
                return;
              }
              if (error != null) {
                connection = null;
                tryEndpoint(endpoints, index + 1, token);
                return;
              }
              c.ws = ws;
              c.openedAtNanos = System.nanoTime();
              ObjectNode hello = frame("hello").put("app", app).put("token", token);
              if (hb != null) hello.put("hb", hb);
              c.send(hello.toString());
            },
            thread);
  }

  private void onConnectionEnded(ClientSocket c, int code, String reason) {
    if (connection != c) return;
    connection = null;
    stopHeartbeat();
    if (c.openedAtNanos != 0 && System.nanoTime() - c.openedAtNanos >= STABLE.toNanos())
      attempt = 0;
    retry(code, reason);
  }

  private void retry(int code, String reason) {
    if (stopped) return;
    if (!CloseCodes.shouldReconnect(code, refreshableToken)) {
      stopped = true;
      notify(() -> listener.onClosed(code, reason, true));
      thread.shutdown();
      return;
    }
    Duration delay =
        nextEndpoints != null
            ? Duration.ZERO
            : backoff.delay(attempt++, ThreadLocalRandom.current()::nextDouble);
    notify(() -> listener.onReconnecting(code, reason, delay));
    thread.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- frames (on `thread`) ----

  private void onText(ClientSocket c, String text) {
    if (connection != c) return;
    c.lastHeardNanos = System.nanoTime();
    JsonNode f;
    try {
      f = JSON.readTree(text);
    } catch (IOException e) {
      notify(() -> listener.onError(new IllegalStateException("unparsable frame", e)));
      return;
    }
    String t = f.path("t").asText();
    if ("welcome".equals(t)) {
      c.welcomed = true;
      startHeartbeat(c, f.path("hb").asInt(30));
      for (String topic : topics) send(frame("sub").put("topic", topic));
      bound.forEach(this::sendBind);
      notify(() -> listener.onWelcome(f));
    } else if ("push".equals(t)) {
      onPush(f);
    } else if ("reconnect".equals(t)) {
      List<String> list = new ArrayList<>();
      f.path("endpoints").forEach(e -> list.add(e.asText()));
      nextEndpoints = list.isEmpty() ? null : list;
      thread.schedule(
          () -> {
            if (connection == c) {
              c.close(CloseCodes.NORMAL, "reconnect");
              onConnectionEnded(c, CloseCodes.NORMAL, "reconnect");
            }
          },
          f.path("after").asLong(0),
          TimeUnit.MILLISECONDS);
      notify(() -> listener.onFrame(f));
    } else {
      notify(() -> listener.onFrame(f));
    }
  }

  private void onPush(JsonNode f) {
    String forApp = f.hasNonNull("app") ? f.get("app").asText() : app;
    int qos = f.path("qos").asInt();
    long seq = f.path("seq").asLong(0);
    long bseq = f.path("bseq").asLong(0);
    Message m =
        new Message(
            forApp,
            f.path("id").asText(),
            qos,
            seq,
            bseq,
            f.hasNonNull("topic") ? f.get("topic").asText() : null,
            f.get("data"));
    if (qos == 0) {
      notify(() -> listener.onMessage(m));
      return;
    }
    boolean fresh = receipts.received(forApp, seq, bseq);
    if (fresh) notify(() -> listener.onMessage(m));
    Receipts.Cursor cursor = receipts.cursor(forApp);
    if (cursor.unacked >= ackBatch) {
      ack(forApp, cursor);
    } else if (!cursor.timerRunning) {
      cursor.timerRunning = true;
      thread.schedule(
          () -> {
            cursor.timerRunning = false;
            if (cursor.unacked > 0) ack(forApp, cursor);
          },
          ackDelay.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void ack(String forApp, Receipts.Cursor cursor) {
    ObjectNode f = frame("ack");
    if (cursor.seq > 0) f.put("seq", cursor.seq);
    if (cursor.bseq > 0) f.put("bseq", cursor.bseq);
    if (!forApp.equals(app)) f.put("app", forApp);
    if (send(f)) cursor.unacked = 0;
  }

  private void flushAcks() {
    receipts
        .all()
        .forEach(
            (a, cursor) -> {
              if (cursor.unacked > 0) ack(a, cursor);
            });
  }

  private void sendBind(String otherApp, Supplier<String> token) {
    send(frame("bind").put("app", otherApp).put("token", token.get()));
  }

  /** Sends a frame on the welcomed connection; false if there is none or its send queue is full. */
  private boolean send(ObjectNode frame) {
    ClientSocket c = connection;
    return c != null && c.welcomed && c.send(frame.toString());
  }

  private void startHeartbeat(ClientSocket c, int seconds) {
    stopHeartbeat();
    long period = TimeUnit.SECONDS.toNanos(seconds);
    heartbeat =
        thread.scheduleAtFixedRate(
            () -> {
              if (connection != c) return;
              if (System.nanoTime() - c.lastHeardNanos
                  > 2 * period) { // a pong overdue by a heartbeat
                c.abort();
                onConnectionEnded(c, 4001, "server silent");
                return;
              }
              c.send(frame("ping").toString());
            },
            seconds,
            seconds,
            TimeUnit.SECONDS);
  }

  private void stopHeartbeat() {
    if (heartbeat != null) heartbeat.cancel(false);
    heartbeat = null;
  }

  /** Runs {@code task} on the client's thread; nothing once the client has stopped for good. */
  private void run(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException stopped) {
      // the client ended (close() or a terminal close code): nothing more happens
    }
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      try {
        listener.onError(e);
      } catch (RuntimeException ignored) {
        // a listener that throws from onError too: nothing left to tell
      }
    }
  }

  private static ObjectNode frame(String type) {
    return JSON.createObjectNode().put("t", type);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The JDK WebSocket's callbacks, handed to the client's thread. */
  private final class Frames implements WebSocket.Listener {
    private final ClientSocket c;
    private final StringBuilder partial = new StringBuilder();

    Frames(ClientSocket c) {
      this.c = c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        run(() -> PushgateClient.this.onText(c, text));
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      run(() -> onConnectionEnded(c, code, reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      run(() -> onConnectionEnded(c, CloseCodes.ABNORMAL, String.valueOf(error.getMessage())));
    }
  }

  /** Settings of a client; {@link #token} and {@link #listener} are required. */
  public static final class Builder {
    private final URI api;
    private final String app;
    private final String user;
    private Supplier<String> tokens;
    private boolean refreshableToken;
    private PushgateListener listener;
    private Integer hb;
    private Duration ackDelay = Duration.ofMillis(200);
    private int ackBatch = 32;
    private int maxQueuedSends = 256;
    private final List<String> topics = new ArrayList<>();
    private HttpClient http;

    private Builder(URI api, String app, String user) {
      this.api = Objects.requireNonNull(api, "api");
      this.app = Objects.requireNonNull(app, "app");
      this.user = Objects.requireNonNull(user, "user");
    }

    /** A fixed token: an invalid or expired one (4100) ends the client. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      this.tokens = () -> token;
      this.refreshableToken = false;
      return this;
    }

    /**
     * A token source asked before every connection attempt (called on the client's thread; may
     * block briefly): 4100 is then retried.
     */
    public Builder token(Supplier<String> tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      this.refreshableToken = true;
      return this;
    }

    public Builder listener(PushgateListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The heartbeat to propose, in seconds (the server grants 10..300; default: the server's 30).
     */
    public Builder heartbeatSeconds(int seconds) {
      this.hb = seconds;
      return this;
    }

    /** Acks wait at most this long to be batched (default 200 ms). */
    public Builder ackDelay(Duration delay) {
      this.ackDelay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * An ack goes out at once after this many QoS 1 pushes (default 32, below the server's window
     * of 64).
     */
    public Builder ackBatch(int pushes) {
      if (pushes < 1) throw new IllegalArgumentException("ackBatch must be at least 1");
      this.ackBatch = pushes;
      return this;
    }

    /** At most this many frames wait to be sent (default 256). */
    public Builder maxQueuedSends(int frames) {
      if (frames < 1) throw new IllegalArgumentException("maxQueuedSends must be at least 1");
      this.maxQueuedSends = frames;
      return this;
    }

    /** Topics to subscribe on every connection. */
    public Builder topics(List<String> topics) {
      this.topics.addAll(topics);
      return this;
    }

    /** The HTTP client for dispatch and the WebSocket (default: a new one). */
    public Builder httpClient(HttpClient http) {
      this.http = http;
      return this;
    }

    public PushgateClient build() {
      if (tokens == null) throw new IllegalStateException("a token or token source is required");
      if (listener == null) throw new IllegalStateException("a listener is required");
      return new PushgateClient(this);
    }
  }
}
