package io.pushgate.gateway;

import io.pushgate.auth.ClientTokens;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import java.time.Duration;
import java.util.List;

/** The app every gateway test uses, and tokens for it. */
final class TestApps {

  static final App DEMO = new App("demo", "demo-api-key", "demo-token-secret-0123456789abcdef", false);
  static final AppRegistry REGISTRY = new AppRegistry(List.of(DEMO));
  private static final ClientTokens TOKENS = new ClientTokens();

  private TestApps() {}

  static String token(String user) {
    return TOKENS.issue(DEMO, user, Duration.ofHours(1));
  }
}
