package io.pushgate.api;

import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.SessionId;
import java.util.Locale;
import java.util.Optional;

/**
 * Backend authentication: the app named in the path must exist and the request must carry {@code
 * Authorization: Bearer <that app's API key>} (compared in constant time by {@link
 * App#acceptsApiKey}). Pure and thread-safe.
 */
public final class ApiAuth {

  private static final String BEARER = "bearer ";

  private final AppRegistry apps;

  ApiAuth(AppRegistry apps) {
    this.apps = apps;
  }

  /**
   * @param appId the app id from the path
   * @param authorization the Authorization header value, if any
   * @return the authenticated app
   * @throws ApiProblem unknown_app (404) if the app does not exist, unauthorized (401) if the key
   *     is missing or wrong
   */
  public App authenticate(String appId, Optional<String> authorization) {
    App app =
        apps.find(appId)
            .orElseThrow(
                () -> new ApiProblem(ErrorCode.UNKNOWN_APP, "no app \"" + safe(appId) + "\""));
    String header = authorization.map(String::trim).orElse("");
    if (header.isEmpty()) {
      throw new ApiProblem(ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer <API key>");
    }
    if (header.length() < BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      throw new ApiProblem(ErrorCode.UNAUTHORIZED, "the Authorization scheme must be Bearer");
    }
    if (!app.acceptsApiKey(header.substring(BEARER.length()).trim())) {
      throw new ApiProblem(ErrorCode.UNAUTHORIZED, "wrong API key for app \"" + app.id() + "\"");
    }
    return app;
  }

  /** App ids in details are echoed only when they have the documented shape. */
  private static String safe(String appId) {
    return SessionId.isValidApp(appId) ? appId : "(invalid app id)";
  }
}
