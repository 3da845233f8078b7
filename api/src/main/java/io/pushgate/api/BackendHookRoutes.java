package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pushgate.api.upstream.HttpUpstream;
import io.pushgate.api.webhook.Webhooks;
import io.pushgate.model.AppRegistry;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The operator view of an app's links to its backend, on the node that answers, with the app's API
 * key (docs/api.md): {@code GET /v1/apps/{app}/callbacks} (status callbacks, {@link
 * io.pushgate.api.webhook.WebhookStats}) and {@code GET /v1/apps/{app}/upstream} ({@link
 * io.pushgate.api.upstream.UpstreamStats}); 404 {@code not_found} when the app has none configured.
 * Rejects every other path, so it can be combined with {@link ApiRoutes#route()}.
 */
public final class BackendHookRoutes extends AllDirectives {

  private final ApiAuth auth;
  private final Webhooks webhooks;
  private final HttpUpstream upstream;

  public BackendHookRoutes(AppRegistry apps, Webhooks webhooks, HttpUpstream upstream) {
    this.auth = new ApiAuth(apps);
    this.webhooks = webhooks;
    this.upstream = upstream;
  }

  public Route route() {
    return concat(
        view("callbacks", webhooks::stats, "callbacks"),
        view("upstream", upstream::stats, "upstream endpoints"));
  }

  private Route view(String name, Function<String, Optional<?>> stats, String what) {
    return path(
        segment("v1").slash("apps").slash(segment()).slash(name),
        appId ->
            get(
                () ->
                    optionalHeaderValueByName(
                        "Authorization",
                        header -> {
                          auth.authenticate(appId, header);
                          return complete(
                              stats
                                  .apply(appId)
                                  .<HttpResponse>map(s -> ApiResponses.json(200, s))
                                  .orElseGet(
                                      () ->
                                          ApiResponses.problem(
                                              ErrorCode.NOT_FOUND,
                                              "app \""
                                                  + appId
                                                  + "\" has no "
                                                  + what
                                                  + " configured")));
                        })));
  }
}
