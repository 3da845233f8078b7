package io.pushgate.api.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.typesafe.config.Config;
import io.pushgate.api.ApiJson;
import io.pushgate.api.webhook.BackendClient;
import io.pushgate.api.webhook.BackendEndpoints;
import io.pushgate.api.webhook.WebhookSignature;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.PushMessage;
import io.pushgate.model.Qos;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionSharding;
import io.pushgate.upstream.UpstreamForwarder;
import io.pushgate.upstream.UpstreamRequest;
import io.pushgate.upstream.UpstreamResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards client upstream data to the app's backend over HTTP (docs/api.md, "Upstream data"): a
 * signed JSON POST to the URL for the data's type, one breaker and one in-flight bound per app. A
 * 2xx answer whose body is a JSON object with {@code reply} has that reply queued to the user as a
 * QoS 1 message (persisted before the client's {@code upack} names it). Every stage completes with
 * a result, never an exception. Thread-safe; nothing blocks.
 */
public final class HttpUpstream implements UpstreamForwarder {

  private static final Logger log = LoggerFactory.getLogger(HttpUpstream.class);
  private static final Executor SAME_THREAD = Runnable::run;
  private static final ObjectMapper JSON = ApiJson.mapper();

  private final Map<String, AppUpstream> apps;
  private final AppRegistry registry;
  private final SessionSharding sessions;
  private final BackendClient client;
  private final UpstreamClientSettings settings;

  private HttpUpstream(
      Map<String, AppUpstream> apps,
      AppRegistry registry,
      SessionSharding sessions,
      BackendClient client,
      UpstreamClientSettings settings) {
    this.apps = Map.copyOf(apps);
    this.registry = registry;
    this.sessions = sessions;
    this.client = client;
    this.settings = settings;
  }

  /**
   * Reads {@code pushgate.upstream} and every {@code pushgate.apps.<app>.upstream}.
   *
   * @throws IllegalArgumentException for invalid settings, naming the key
   */
  public static HttpUpstream start(
      ActorSystem<?> system, AppRegistry registry, SessionSharding sessions) {
    Config config = system.settings().config();
    UpstreamClientSettings settings = UpstreamClientSettings.fromConfig(config);
    Map<String, AppUpstream> apps = new TreeMap<>();
    BackendEndpoints.appSections(config, "upstream")
        .forEach(
            (app, section) ->
                UpstreamEndpoint.fromConfig(app, section)
                    .ifPresent(
                        endpoint -> {
                          CircuitBreaker breaker =
                              CircuitBreaker.create(
                                  system.classicSystem().scheduler(),
                                  settings.breakerMaxFailures(),
                                  settings.requestTimeout().plusSeconds(1),
                                  settings.breakerResetTimeout());
                          breaker.addOnOpenListener(
                              () ->
                                  log.warn(
                                      "upstream of app {}: circuit open, backend failing; clients get upstream_unavailable",
                                      app));
                          breaker.addOnCloseListener(
                              () -> log.info("upstream of app {}: circuit closed", app));
                          apps.put(app, new AppUpstream(endpoint, breaker));
                          log.info("upstream of app {}: {}", app, endpoint);
                        }));
    return new HttpUpstream(
        apps,
        registry,
        sessions,
        new BackendClient(
            system,
            settings.requestTimeout(),
            "pushgate-upstream",
            settings.maxConnections(),
            Integer.highestOneBit(settings.maxInFlightPerApp() * Math.max(1, apps.size())) * 2),
        settings);
  }

  @Override
  public CompletionStage<UpstreamResult> forward(UpstreamRequest request) {
    AppUpstream app = apps.get(request.app());
    Optional<URI> url = app == null ? Optional.empty() : app.endpoint.urlFor(request.type());
    if (url.isEmpty()) {
      if (app != null) app.notAllowed.incrementAndGet();
      return done(new UpstreamResult.NotAllowed());
    }
    if (app.inFlight.incrementAndGet() > settings.maxInFlightPerApp()) {
      app.inFlight.decrementAndGet();
      app.busy.incrementAndGet();
      return done(new UpstreamResult.Busy());
    }
    app.forwarded.incrementAndGet();
    byte[] body = body(request);
    String signature =
        WebhookSignature.header(app.endpoint.secret(), Instant.now().getEpochSecond(), body);
    CompletionStage<BackendClient.Response> call =
        app.breaker.callWithCircuitBreakerCS(
            () -> client.post(url.get(), body, signature, settings.maxResponseBytes()),
            (response, error) ->
                error.isPresent() || response.map(r -> r.status() >= 500).orElse(true));
    return call.handleAsync(
            (response, error) -> {
              if (error != null) {
                app.failed.incrementAndGet();
                app.lastError.set(error.toString());
                return done(new UpstreamResult.Unavailable(error.toString()));
              }
              if (!response.isSuccess()) {
                app.rejected.incrementAndGet();
                app.lastError.set("HTTP " + response.status());
                return done(new UpstreamResult.Rejected(response.status()));
              }
              app.ok.incrementAndGet();
              return reply(app, request, response.body());
            },
            SAME_THREAD)
        .thenComposeAsync(stage -> stage, SAME_THREAD)
        .whenComplete((result, error) -> app.inFlight.decrementAndGet());
  }

  /** The app's counters on this node, or empty if it takes no upstream data. */
  public Optional<UpstreamStats> stats(String app) {
    return Optional.ofNullable(apps.get(app)).map(AppUpstream::stats);
  }

  private CompletionStage<UpstreamResult> reply(
      AppUpstream app, UpstreamRequest request, byte[] responseBody) {
    JsonNode reply = replyOf(responseBody);
    if (reply == null) return done(new UpstreamResult.Ok(null, null));
    String data = reply.toString();
    if (data.getBytes(StandardCharsets.UTF_8).length > settings.maxReplyBytes()) {
      return done(new UpstreamResult.Ok(null, "payload_too_large"));
    }
    Optional<App> known = registry.find(request.app());
    if (known.isEmpty()) return done(new UpstreamResult.Ok(null, "unknown_app"));
    long now = System.currentTimeMillis();
    // the same up frame (same connection and id) always gets the same reply id: stored once
    String id =
        UUID.nameUUIDFromBytes(
                ("reply:"
                        + request.app()
                        + ":"
                        + request.user()
                        + ":"
                        + request.connection()
                        + ":"
                        + request.id())
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    PushMessage message =
        new PushMessage(
            id, Qos.AT_LEAST_ONCE, data, now, now + known.get().limits().defaultTtl().toMillis());
    CompletionStage<EnqueueResult> queued =
        sessions
            .session(new SessionId(request.app(), request.user()))
            .ask(
                replyTo ->
                    new SessionCommand.Enqueue(
                        message, known.get().limits().overflow(), true, replyTo),
                settings.replyTimeout());
    return queued.handleAsync(
        (result, error) -> {
          if (error != null) return new UpstreamResult.Ok(null, "unavailable");
          if (result.outcome() != EnqueueResult.Outcome.QUEUED) {
            return new UpstreamResult.Ok(null, result.outcome().name().toLowerCase(Locale.ROOT));
          }
          app.replies.incrementAndGet();
          return new UpstreamResult.Ok(id, null);
        },
        SAME_THREAD);
  }

  /** The {@code reply} of a JSON object body, or null (no body, not JSON, no reply, or null). */
  private static JsonNode replyOf(byte[] body) {
    if (body.length == 0) return null;
    try {
      JsonNode root = JSON.readTree(body);
      JsonNode reply = root == null || !root.isObject() ? null : root.get("reply");
      return reply == null || reply.isNull() ? null : reply;
    } catch (IOException e) {
      return null; // a 2xx with a body that is not JSON: taken, nothing to reply
    }
  }

  private static byte[] body(UpstreamRequest r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", r.id());
    node.put("type", r.type());
    node.put("app", r.app());
    node.put("user", r.user());
    node.put("session", new SessionId(r.app(), r.user()).entityId());
    node.put("connection", r.connection());
    node.put("node", r.node());
    node.put("time", Instant.ofEpochMilli(r.atMillis()).toString());
    node.putRawValue(
        "data", new RawValue(r.data())); // compact JSON the gateway produced: not parsed again
    return ApiJson.bytes(node);
  }

  private static CompletionStage<UpstreamResult> done(UpstreamResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
