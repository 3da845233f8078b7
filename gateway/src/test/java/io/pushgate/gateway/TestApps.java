package io.pushgate.gateway;

import io.pushgate.auth.ClientTokens;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import java.time.Duration;
import java.util.List;

/** The apps of the gateway tests (every test uses demo), and tokens for them. */
final class TestApps {

  static final App DEMO =
      new App("demo", "demo-api-key", "demo-token-secret-0123456789abcdef", false);

  /** A second app, for connections that bind two apps. */
  static final App NEWS =
      new App("news", "news-api-key", "news-token-secret-0123456789abcdef", false);

  static final AppRegistry REGISTRY = new AppRegistry(List.of(DEMO, NEWS));
  private static final ClientTokens TOKENS = new ClientTokens();

  private TestApps() {}

  static String token(String user) {
    return token(DEMO, user);
  }

  static String token(App app, String user) {
    return TOKENS.issue(app, user, Duration.ofHours(1));
  }
}
