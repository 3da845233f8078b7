package io.pushgate.api.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.UserAgent;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;

/**
 * Signed JSON POSTs to the apps' backends (status callbacks, upstream data) with Pekko HTTP's
 * pooled client: one pool per host, reused connections. No answer within {@code requestTimeout}
 * (also the pool's connect and idle timeout, so a hanging backend's connection is closed) fails the
 * stage with a {@link java.util.concurrent.TimeoutException}. Thread-safe; nothing blocks.
 */
public final class BackendClient {

  /** A backend's answer: its status and at most {@code maxResponseBytes} of body. */
  public record Response(int status, byte[] body) {
    public boolean isSuccess() {
      return status >= 200 && status <= 299;
    }
  }

  private static final Executor SAME_THREAD = Runnable::run;

  private final ActorSystem<?> system;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final Duration requestTimeout;
  private final String userAgent;

  /**
   * @param maxConnections connections per backend host
   * @param maxOpenRequests requests per backend host waiting or in flight (a power of 2); more fail
   *     at once, so it must exceed the caller's own in-flight bound
   */
  public BackendClient(
      ActorSystem<?> system,
      Duration requestTimeout,
      String userAgent,
      int maxConnections,
      int maxOpenRequests) {
    this.system = system;
    this.http = Http.get(system);
    this.requestTimeout = requestTimeout;
    this.userAgent = userAgent;
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system.classicSystem())
            .withConnectingTimeout(requestTimeout)
            .withIdleTimeout(requestTimeout);
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withConnectionSettings(connection)
            .withMaxConnections(maxConnections)
            .withMaxOpenRequests(maxOpenRequests);
  }

  /**
   * POSTs {@code body} with the {@code Pushgate-Signature} header; a body of a 2xx answer longer
   * than {@code maxResponseBytes} fails the stage, other answers' bodies are discarded.
   */
  public CompletionStage<Response> post(
      URI url, byte[] body, String signature, long maxResponseBytes) {
    HttpRequest request =
        HttpRequest.POST(url.toString())
            .withHeaders(
                List.of(
                    RawHeader.create(WebhookSignature.HEADER, signature),
                    UserAgent.create(userAgent)))
            .withEntity(ContentTypes.APPLICATION_JSON, body);
    return http.singleRequest(
            request, http.defaultClientHttpsContext(), pool, system.classicSystem().log())
        .thenComposeAsync(response -> read(response, maxResponseBytes), SAME_THREAD)
        .toCompletableFuture()
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<Response> read(HttpResponse response, long maxResponseBytes) {
    int status = response.status().intValue();
    if (status < 200 || status > 299 || maxResponseBytes <= 0) {
      return response
          .discardEntityBytes(system)
          .completionStage()
          .thenApplyAsync(done -> new Response(status, new byte[0]), SAME_THREAD);
    }
    return response
        .entity()
        .toStrict(requestTimeout.toMillis(), maxResponseBytes, system)
        .thenApplyAsync(strict -> new Response(status, strict.getData().toArray()), SAME_THREAD);
  }
}
