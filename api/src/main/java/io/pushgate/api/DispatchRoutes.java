package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pushgate.api.dispatch.EndpointDirectory;
import io.pushgate.api.dispatch.ReconnectPolicy;
import io.pushgate.auth.ClientTokens;
import io.pushgate.model.AppRegistry;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/dispatch?app=..&user=..} (docs/api.md): the endpoints a client should try, in
 * order, and the reconnect backoff. Rejects every other path so it can be combined in front of
 * {@link ApiRoutes#route()}.
 */
public final class DispatchRoutes extends AllDirectives {

  private final DispatchService dispatch;

  public DispatchRoutes(
      AppRegistry apps,
      ClientTokens tokens,
      EndpointDirectory directory,
      ReconnectPolicy reconnect) {
    this.dispatch = new DispatchService(apps, tokens, directory, reconnect);
  }

  public Route route() {
    return path(
        segment("v1").slash("dispatch"),
        () ->
            handleExceptions(
                ApiErrorHandlers.exceptionHandler(),
                () ->
                    handleRejections(
                        ApiErrorHandlers.rejectionHandler(),
                        () ->
                            get(
                                () ->
                                    parameterOptional(
                                        "app",
                                        app ->
                                            parameterOptional(
                                                "user",
                                                user ->
                                                    optionalHeaderValueByName(
                                                        "Authorization",
                                                        authorization ->
                                                            complete(
                                                                ApiResponses.json(
                                                                    200,
                                                                    dispatch.dispatch(
                                                                        app.orElse(""),
                                                                        user.orElse(""),
                                                                        authorization))))))))));
  }
}
