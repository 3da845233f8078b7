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
 * POSTs callback batches with Pekko HTTP's pooled client (one pool per host, reused
 * connections). A request fails with {@link WebhookFailure} on a non-2xx answer, and with a
 * timeout when no answer came within {@code request-timeout} (also the pool's connect and idle
 * timeout, so a hanging receiver's connection is closed). The response body is discarded.
 * Thread-safe; nothing blocks.
 */
final class WebhookClient {

  static final String USER_AGENT = "pushgate-callbacks";
  private static final Executor SAME_THREAD = Runnable::run;

  private final ActorSystem<?> system;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final Duration requestTimeout;

  WebhookClient(ActorSystem<?> system, Duration requestTimeout) {
    this.system = system;
    this.http = Http.get(system);
    this.requestTimeout = requestTimeout;
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system.classicSystem())
            .withConnectingTimeout(requestTimeout)
            .withIdleTimeout(requestTimeout);
    this.pool = ConnectionPoolSettings.create(system.classicSystem()).withConnectionSettings(connection);
  }

  /** Completes with the 2xx status, or fails (non-2xx: {@link WebhookFailure}; timeout; I/O). */
  CompletionStage<Integer> post(URI url, byte[] body, String signature) {
    HttpRequest request =
        HttpRequest.POST(url.toString())
            .withHeaders(List.of(RawHeader.create(WebhookSignature.HEADER, signature), UserAgent.create(USER_AGENT)))
            .withEntity(ContentTypes.APPLICATION_JSON, body);
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, system.classicSystem().log())
        .thenComposeAsync(this::settle, SAME_THREAD)
        .toCompletableFuture()
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<Integer> settle(HttpResponse response) {
    int status = response.status().intValue();
    return response.discardEntityBytes(system).completionStage().thenApplyAsync(done -> {
      if (status < 200 || status > 299) throw new WebhookFailure(status);
      return status;
    }, SAME_THREAD);
  }

  /** The receiver answered, but not with 2xx. */
  static final class WebhookFailure extends RuntimeException {
    final int status;

    WebhookFailure(int status) {
      super("the receiver answered " + status, null, false, false);
      this.status = status;
    }
  }
}
