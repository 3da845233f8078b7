package io.pushgate.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The common part of the local FCM and APNs servers: a Pekko HTTP server (HTTP/2 enabled; TLS when
 * given a context) in an actor system of its own on 127.0.0.1, that records what it receives and
 * answers each device token as scripted ({@link #answer}).
 */
public abstract class LocalProviderServer implements AutoCloseable {

  /** How the server answers a device token (default {@link #OK}). */
  public enum Script {
    OK,
    /** The provider's "this token is no longer valid". */
    UNREGISTERED,
    /** 429 with {@code Retry-After: 1} once, then OK. */
    RATE_LIMITED_ONCE,
    /** 503 once, then OK. */
    UNAVAILABLE_ONCE,
    /** 503 every time. */
    UNAVAILABLE,
    /** Never answers. */
    HANG
  }

  /** One send request as received. */
  public record Received(
      String token, String protocol, Map<String, String> headers, JsonNode body, long atMillis) {}

  protected static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<Void> system;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> failedOnce = new ConcurrentHashMap<>();
  private ServerBinding binding;

  protected LocalProviderServer(String name) {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            name,
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                        + "pekko.http.server.enable-http2 = on\npekko.http.server.request-timeout = 60s")
                .withFallback(ConfigFactory.defaultReference()));
  }

  protected final void bind(Optional<SSLContext> tls) {
    ServerBuilder builder = Http.get(system).newServerAt("127.0.0.1", 0);
    if (tls.isPresent()) builder = builder.enableHttps(ConnectionContext.httpsServer(tls.get()));
    try {
      binding = builder.bind(this::route).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot bind " + getClass().getSimpleName(), e);
    }
  }

  protected abstract CompletionStage<HttpResponse> route(HttpRequest request);

  public int port() {
    return binding.localAddress().getPort();
  }

  public void answer(String token, Script script) {
    scripts.put(token, script);
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> receivedFor(String token) {
    return received.stream().filter(r -> r.token().equals(token)).toList();
  }

  protected final ActorSystem<Void> system() {
    return system;
  }

  protected final void record(Received r) {
    received.add(r);
  }

  /** The script's answer for this try: the status to send, or 0 to never answer. */
  protected final int statusFor(String token, int unregisteredStatus) {
    Script script = scripts.getOrDefault(token, Script.OK);
    return switch (script) {
      case OK -> 200;
      case UNREGISTERED -> unregisteredStatus;
      case RATE_LIMITED_ONCE -> failedOnce.putIfAbsent(token, true) == null ? 429 : 200;
      case UNAVAILABLE_ONCE -> failedOnce.putIfAbsent(token, true) == null ? 503 : 200;
      case UNAVAILABLE -> 503;
      case HANG -> 0;
    };
  }

  protected static CompletionStage<HttpResponse> never() {
    return new CompletableFuture<>();
  }

  @Override
  public void close() {
    system.terminate();
  }
}
