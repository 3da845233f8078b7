package io.pushgate.api.webhook;

import com.typesafe.config.Config;
import io.pushgate.callback.CallbackEvent;
import io.pushgate.callback.CallbackEventType;
import io.pushgate.callback.CallbackSink;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's status callbacks (webhooks, docs/api.md, "Status callbacks"): a {@link CallbackSink}
 * that queues each event for its app (bounded per app, oldest dropped) and one {@link
 * WebhookSender} per app with a callback URL, which POSTs signed batches through the app's circuit
 * breaker. Sessions and gateways of this node offer their events here; nothing they do waits for a
 * callback.
 *
 * <p>Delivery is at-least-once while the node runs (receivers de-duplicate by event id). A node
 * that stops gracefully sends what is queued in its last shutdown phase, for at most {@code
 * stop-timeout}; what is still queued after that, or when a node crashes, is lost. Thread-safe.
 */
public final class Webhooks implements CallbackSink {

  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  private final Map<String, AppWebhook> hooks;
  private final Map<String, ActorRef<WebhookSender.Command>> senders;
  private final Duration defaultOfflineDelay;
  private final ActorSystem<?> system;

  private Webhooks(
      ActorSystem<?> system,
      Map<String, AppWebhook> hooks,
      Map<String, ActorRef<WebhookSender.Command>> senders,
      Duration defaultOfflineDelay) {
    this.system = system;
    this.hooks = Map.copyOf(hooks);
    this.senders = Map.copyOf(senders);
    this.defaultOfflineDelay = defaultOfflineDelay;
  }

  /**
   * Reads {@code pushgate.callbacks} and every {@code pushgate.apps.<app>.callbacks} of the
   * system's config.
   */
  public static Webhooks start(ActorSystem<?> system) {
    return start(system, system.settings().config());
  }

  /**
   * @throws IllegalArgumentException for invalid settings, naming the key
   */
  public static Webhooks start(ActorSystem<?> system, Config config) {
    WebhookSettings settings = WebhookSettings.fromConfig(config);
    Map<String, WebhookEndpoint> endpoints = endpoints(config, settings.offlineDelay());
    Map<String, AppWebhook> hooks = new TreeMap<>();
    Map<String, ActorRef<WebhookSender.Command>> senders = new TreeMap<>();
    if (!endpoints.isEmpty()) {
      BackendClient client =
          new BackendClient(
              system,
              settings.requestTimeout(),
              "pushgate-callbacks",
              4,
              256); // one POST in flight per app
      for (WebhookEndpoint endpoint : endpoints.values()) {
        AppWebhook hook =
            new AppWebhook(
                endpoint,
                new WebhookQueue(settings.queueSize()),
                breaker(system, settings, endpoint));
        senders.put(
            endpoint.app(),
            system.systemActorOf(
                WebhookSender.create(hook, client, settings),
                "callbacks-" + endpoint.app(),
                Props.empty()));
        hooks.put(endpoint.app(), hook);
        log.info(
            "callbacks of app {}: {} to {}", endpoint.app(), endpoint.events(), endpoint.url());
      }
    }
    Webhooks webhooks = new Webhooks(system, hooks, senders, settings.offlineDelay());
    if (!hooks.isEmpty()) {
      // last: after the gateway closed its connections and sharding handed off its sessions
      // (their disconnected and offline events are queued by then)
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "pushgate-callbacks-drain",
              () -> webhooks.drain(settings.stopTimeout()));
    }
    return webhooks;
  }

  /**
   * Sends every app's queued events now and completes when all are delivered (or given up on), or
   * after {@code timeout}; never fails. The node calls it in its last shutdown phase.
   */
  public CompletionStage<Done> drain(Duration timeout) {
    CompletableFuture<?>[] all =
        senders.values().stream()
            .map(
                sender ->
                    AskPattern.<WebhookSender.Command, Done>ask(
                            sender, WebhookSender.Drain::new, timeout, system.scheduler())
                        .toCompletableFuture()
                        .exceptionally(e -> Done.getInstance()))
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all)
        .thenApply(
            v -> {
              hooks
                  .values()
                  .forEach(
                      h -> {
                        if (h.queue.size() > 0) {
                          log.warn(
                              "callbacks of app {}: {} events still queued at shutdown are lost",
                              h.endpoint.app(),
                              h.queue.size());
                        }
                      });
              return Done.getInstance();
            });
  }

  private static Map<String, WebhookEndpoint> endpoints(
      Config config, Duration defaultOfflineDelay) {
    Map<String, WebhookEndpoint> endpoints = new TreeMap<>();
    BackendEndpoints.appSections(config, "callbacks")
        .forEach(
            (app, callbacks) ->
                WebhookEndpoint.fromConfig(app, callbacks, defaultOfflineDelay)
                    .ifPresent(e -> endpoints.put(app, e)));
    return endpoints;
  }

  private static CircuitBreaker breaker(
      ActorSystem<?> system, WebhookSettings settings, WebhookEndpoint endpoint) {
    // the call timeout is the client's own request timeout plus a margin: the client fails first
    Duration callTimeout = settings.requestTimeout().plusSeconds(1);
    CircuitBreaker breaker =
        CircuitBreaker.create(
                system.classicSystem().scheduler(),
                settings.breakerMaxFailures(),
                callTimeout,
                settings.breakerResetTimeout())
            .withExponentialBackoff(settings.breakerMaxResetTimeout());
    String app = endpoint.app();
    breaker.addOnOpenListener(
        () ->
            log.warn(
                "callbacks of app {}: circuit open after {} failed requests to {}; events queue meanwhile",
                app,
                settings.breakerMaxFailures(),
                endpoint.url()));
    breaker.addOnCloseListener(
        () ->
            log.info("callbacks of app {}: circuit closed, {} answers again", app, endpoint.url()));
    return breaker;
  }

  @Override
  public boolean wants(String app, CallbackEventType type) {
    AppWebhook hook = hooks.get(app);
    return hook != null && hook.endpoint.events().contains(type);
  }

  @Override
  public void offer(CallbackEvent event) {
    AppWebhook hook = hooks.get(event.app());
    if (hook != null && hook.endpoint.events().contains(event.type())) hook.offer(event);
  }

  @Override
  public Duration offlineDelay(String app) {
    AppWebhook hook = hooks.get(app);
    return hook == null ? defaultOfflineDelay : hook.endpoint.offlineDelay();
  }

  /** The app's counters on this node, or empty if it has no callbacks configured. */
  public Optional<WebhookStats> stats(String app) {
    return Optional.ofNullable(hooks.get(app)).map(AppWebhook::stats);
  }
}
