package io.pushgate.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A real HTTP receiver for status callbacks and upstream data in tests: a Pekko HTTP server in an
 * actor system of its own, on 127.0.0.1, that records every request and answers with the status
 * (and body) set by {@link #answer}, or never answers ({@link #hang}), or is down ({@link #stop},
 * then {@link #restart} on the same port).
 */
public final class CallbackReceiver implements AutoCloseable {

  /** One request as received. */
  public record Received(
      String path, String signature, String userAgent, byte[] body, JsonNode json) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<Void> system;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile String body = "";
  private volatile boolean hang;
  private volatile ServerBinding binding;
  private int port;

  private CallbackReceiver() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "callback-receiver",
            ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.defaultReference()));
  }

  /** Starts a receiver on an ephemeral port answering 200. */
  public static CallbackReceiver start() {
    CallbackReceiver r = new CallbackReceiver();
    r.bind(0);
    return r;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/callbacks";
  }

  /** From now on answer every request with {@code status} (and no longer hang). */
  public CallbackReceiver answer(int status) {
    return answer(status, "");
  }

  /** From now on answer every request with {@code status} and the JSON {@code body}. */
  public CallbackReceiver answer(int status, String body) {
    this.status = status;
    this.body = body;
    this.hang = false;
    return this;
  }

  /** From now on accept requests and never answer them. */
  public CallbackReceiver hang() {
    this.hang = true;
    return this;
  }

  /** Unbinds: connections are refused until {@link #restart}. */
  public void stop() {
    binding.unbind().toCompletableFuture().join();
    binding.terminate(Duration.ofSeconds(1)).toCompletableFuture().join();
  }

  /** Binds the same port again. */
  public void restart() {
    bind(port);
  }

  public List<Received> requests() {
    return new ArrayList<>(received);
  }

  /** Every event of every request, in the order received (duplicates included). */
  public List<JsonNode> events() {
    List<JsonNode> events = new ArrayList<>();
    for (Received r : received) r.json().path("events").forEach(events::add);
    return events;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private void bind(int onPort) {
    try {
      binding =
          Http.get(system)
              .newServerAt("127.0.0.1", onPort)
              .bind(this::handle)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("callback receiver could not bind port " + onPort, e);
    }
    port = binding.localAddress().getPort();
  }

  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    return request
        .entity()
        .toStrict(5_000, system)
        .thenCompose(
            strict -> {
              byte[] body = strict.getData().toArray();
              received.add(
                  new Received(
                      request.getUri().path(),
                      request.getHeader("Pushgate-Signature").map(h -> h.value()).orElse(null),
                      request.getHeader("User-Agent").map(h -> h.value()).orElse(null),
                      body,
                      parse(body)));
              if (hang) return new CompletableFuture<>();
              HttpResponse response = HttpResponse.create().withStatus(status);
              String answer = this.body;
              if (!answer.isEmpty()) {
                response = response.withEntity(ContentTypes.APPLICATION_JSON, answer);
              }
              return CompletableFuture.completedFuture(response);
            });
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
