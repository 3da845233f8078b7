package io.pushgate.node;

import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns loudly at start-up while any app uses the published development credentials (apps.conf's
 * demo app), or is explicitly marked {@code dev-credentials = true}.
 */
final class DevCredentialsWarning {

  private static final Logger log = LoggerFactory.getLogger(DevCredentialsWarning.class);

  /** The credentials published in apps.conf and the README; never safe in production. */
  static final String PUBLISHED_API_KEY = "demo-api-key";

  static final String PUBLISHED_TOKEN_SECRET = "demo-token-secret-do-not-use-in-production";

  private DevCredentialsWarning() {}

  static List<App> appsUsingDevCredentials(AppRegistry apps) {
    return apps.all().stream()
        .filter(
            app ->
                app.devCredentials()
                    || app.acceptsApiKey(PUBLISHED_API_KEY)
                    || PUBLISHED_TOKEN_SECRET.equals(app.tokenSecret()))
        .toList();
  }

  static void logIfInUse(AppRegistry apps) {
    for (App app : appsUsingDevCredentials(apps)) {
      log.warn(
          "\n************************************************************************\n"
              + "* INSECURE: app '{}' uses the published development credentials.\n"
              + "* Anyone can push to its users and mint its client tokens.\n"
              + "* Set PUSHGATE_DEMO_API_KEY and PUSHGATE_DEMO_TOKEN_SECRET (or configure\n"
              + "* your own apps in pushgate.apps) before exposing this node.\n"
              + "************************************************************************",
          app.id());
    }
  }
}
