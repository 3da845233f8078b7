package io.pushgate.node.console;

import io.pushgate.node.ManagementAuth;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The web console on the management port (docs/operations.md, "Web console"):
 *
 * <ul>
 *   <li>{@code /console/}: static assets (classpath {@code console/}); the page calls only
 *       documented APIs: {@code /cluster/members} (Pekko Management), {@code /metrics}, {@code
 *       /cluster/sessions/shards}, and the backend API through {@link ApiProxy} ({@code
 *       /console/api/v1/...});
 *   <li>{@code GET /cluster/sessions/shards}: session shards per node ({@link SessionShards}).
 * </ul>
 *
 * Behind the management port's operator credential like every management route; without one
 * configured ({@code pushgate.management.auth}) the console answers {@code 403 console_disabled} (a
 * console that can drain nodes and kick users must not be open, even on loopback).
 */
public final class ConsoleRoutes extends AllDirectives implements ManagementRouteProvider {

  private final ActorSystem<?> system;
  private final boolean enabled;
  private final ApiProxy proxy;

  public ConsoleRoutes(ExtendedActorSystem classic) {
    this.system = Adapter.toTyped(classic);
    this.enabled = ManagementAuth.configured(system.settings().config());
    this.proxy = new ApiProxy(system);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    Route shards =
        path(
            PathMatchers.segment("cluster").slash("sessions").slash("shards"),
            () ->
                get(
                    () ->
                        onSuccess(
                            SessionShards.json(system),
                            json ->
                                complete(
                                    HttpResponse.create()
                                        .withEntity(
                                            HttpEntities.create(
                                                ContentTypes.APPLICATION_JSON, json))))));
    Route console =
        pathPrefix(
            "console",
            () ->
                enabled
                    ? console()
                    : complete(
                        ApiProxy.problem(
                            403,
                            "console_disabled",
                            "the console needs an operator credential: set PUSHGATE_MANAGEMENT_USER and PUSHGATE_MANAGEMENT_PASSWORD")));
    return concat(shards, console);
  }

  private Route console() {
    return concat(
        pathEnd(() -> redirect(Uri.create("/console/"), StatusCodes.FOUND)),
        // "api/" exactly: a string matcher alone also takes "api.js"
        pathPrefix(
            "api",
            () ->
                rawPathPrefixTest(
                    PathMatchers.slash(),
                    () ->
                        extractRequest(
                            request ->
                                extractUnmatchedPath(
                                    rest -> completeWithFuture(proxy.forward(request, rest)))))),
        pathSingleSlash(
            () -> get(() -> getFromResource("console/index.html", ContentTypes.TEXT_HTML_UTF8))),
        get(() -> getFromResourceDirectory("console")));
  }
}
