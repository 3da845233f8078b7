package io.pushgate.node.health;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Operator health endpoints on the management port, replacing Pekko's plain-text ones with JSON
 * that can say "degraded":
 *
 * <ul>
 *   <li>{@code GET /alive}: 200 {@code {"status":"alive"}} or 503;
 *   <li>{@code GET /ready}: 503 {@code {"status":"not_ready","reason":R,"detail":...}} with a
 *       stable {@code R}: {@code journal_unreachable} (from {@link JournalHealth}, answered at
 *       once, with {@code since}) or {@code not_cluster_member} (Pekko's readiness checks failed or
 *       did not answer); else 200 with {@code "ready"}, or {@code "degraded"} plus the details of
 *       each {@link DegradedComponents degraded component};
 *   <li>{@code GET /startup}: like {@code /alive} for the startup checks.
 * </ul>
 *
 * The checks themselves are Pekko Management's ({@code pekko.management.health-checks}).
 */
public final class PushgateHealthRoutes extends AllDirectives implements ManagementRouteProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HealthChecks checks;
  private final DegradedComponents degraded;
  private final JournalHealth journal;

  public PushgateHealthRoutes(ExtendedActorSystem system) {
    this.checks =
        new HealthChecks(
            system,
            HealthCheckSettings.create(
                system.settings().config().getConfig("pekko.management.health-checks")));
    this.degraded = DegradedComponents.get(Adapter.toTyped(system));
    this.journal = JournalHealth.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return get(
        () ->
            concat(
                path("alive", () -> completeWithFuture(simple(checks.aliveResult(), "alive"))),
                path(
                    "startup", () -> completeWithFuture(simple(checks.startupResult(), "started"))),
                path("ready", () -> completeWithFuture(readiness()))));
  }

  private CompletionStage<HttpResponse> readiness() {
    JournalHealth.Status db = journal.status();
    if (!db.reachable()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "not_ready");
      body.put("reason", "journal_unreachable");
      body.put(
          "detail",
          "the journal database does not answer ("
              + db.detail()
              + "); QoS 1 sends cannot be stored");
      body.put("since", db.since().toString());
      return CompletableFuture.completedFuture(json(503, body));
    }
    return checks
        .readyResult()
        .thenApplyAsync(
            result -> {
              if (result.isFailure()) return notClusterMember();
              Map<String, Map<String, Object>> now = degraded.current();
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", now.isEmpty() ? "ready" : "degraded");
              if (!now.isEmpty()) body.put("degraded", now);
              return json(200, body);
            },
            SAME_THREAD)
        .exceptionallyAsync(e -> notClusterMember(), SAME_THREAD);
  }

  private static HttpResponse notClusterMember() {
    return json(
        503,
        Map.of(
            "status", "not_ready",
            "reason", "not_cluster_member",
            "detail",
                "this node is not an Up member of the cluster (joining, leaving or unreachable)"));
  }

  private static CompletionStage<HttpResponse> simple(
      CompletionStage<CheckResult> check, String okStatus) {
    return check
        .thenApplyAsync(
            r -> r.isSuccess() ? json(200, Map.of("status", okStatus)) : notOk(r, "failed"),
            SAME_THREAD)
        .exceptionallyAsync(
            e -> json(503, Map.of("status", "failed", "reason", "check_failed")), SAME_THREAD);
  }

  private static HttpResponse notOk(CheckResult result, String status) {
    return json(503, Map.of("status", status, "reason", "check_failed"));
  }

  private static HttpResponse json(int status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
