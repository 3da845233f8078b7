package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pushgate.api.webhook.Webhooks;
import io.pushgate.model.AppRegistry;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/apps/{app}/callbacks} (docs/api.md): the app's status-callback counters on the
 * node that answers ({@link io.pushgate.api.webhook.WebhookStats}), with the app's API key;
 * 404 {@code not_found} if the app has no callbacks configured. Rejects every other path, so it
 * can be combined with {@link ApiRoutes#route()}.
 */
public final class CallbackRoutes extends AllDirectives {

  private final ApiAuth auth;
  private final Webhooks webhooks;

  public CallbackRoutes(AppRegistry apps, Webhooks webhooks) {
    this.auth = new ApiAuth(apps);
    this.webhooks = webhooks;
  }

  public Route route() {
    return path(segment("v1").slash("apps").slash(segment()).slash("callbacks"), appId -> get(() ->
        optionalHeaderValueByName("Authorization", header -> {
          auth.authenticate(appId, header);
          return complete(webhooks.stats(appId)
              .map(stats -> ApiResponses.json(200, stats))
              .orElseGet(() -> ApiResponses.problem(ErrorCode.NOT_FOUND, "app \"" + appId + "\" has no callbacks configured")));
        })));
  }
}
