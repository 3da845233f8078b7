package io.pushgate.api;

import io.pushgate.api.dispatch.DispatchResponse;
import io.pushgate.api.dispatch.EndpointDirectory;
import io.pushgate.api.dispatch.ReconnectPolicy;
import io.pushgate.auth.ClientTokens;
import io.pushgate.auth.TokenVerification;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.SessionId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /v1/dispatch?app=..&user=..}: tells a client where to connect (docs/api.md).
 * Authorized by the app's API key (backends asking on behalf of a client) or by a client token of
 * that app whose subject is that user. Answers from local state; never blocks.
 */
final class DispatchService {

  private static final String BEARER = "bearer ";

  private final AppRegistry apps;
  private final ClientTokens tokens;
  private final EndpointDirectory directory;
  private final ReconnectPolicy reconnect;

  DispatchService(
      AppRegistry apps,
      ClientTokens tokens,
      EndpointDirectory directory,
      ReconnectPolicy reconnect) {
    this.apps = apps;
    this.tokens = tokens;
    this.directory = directory;
    this.reconnect = reconnect;
  }

  DispatchResponse dispatch(String appId, String user, Optional<String> authorization) {
    if (appId == null || appId.isEmpty())
      throw ApiProblem.field(ErrorCode.INVALID_FIELD, "app", "query parameter app is required");
    App app =
        apps.find(appId).orElseThrow(() -> new ApiProblem(ErrorCode.UNKNOWN_APP, "no such app"));
    if (!SessionId.isValidUser(user)) {
      throw ApiProblem.field(
          ErrorCode.INVALID_USER, "user", "query parameter user must be a valid user id");
    }
    authorize(app, user, bearer(authorization));
    List<String> endpoints = directory.endpointsFor(new SessionId(app.id(), user));
    if (endpoints.isEmpty())
      throw new ApiProblem(ErrorCode.UNAVAILABLE, "no gateway node is available");
    return DispatchResponse.of(endpoints, reconnect);
  }

  private void authorize(App app, String user, String credential) {
    if (app.acceptsApiKey(credential)) return;
    TokenVerification verified = tokens.verify(app, credential);
    if (verified instanceof TokenVerification.Valid valid && valid.user().equals(user)) return;
    throw new ApiProblem(
        ErrorCode.UNAUTHORIZED, "needs the app's API key, or a valid client token for this user");
  }

  private static String bearer(Optional<String> authorization) {
    String header = authorization.map(String::trim).orElse("");
    if (header.length() <= BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new ApiProblem(
          ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer <API key or client token>");
    }
    return header.substring(BEARER.length()).trim();
  }
}
