package io.pushgate.api;

import io.pushgate.auth.ClientTokens;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The API routes of a single node on its defaults ({@link ApiServices.Deps#of}), for route tests.
 */
final class TestRoutes {

  private TestRoutes() {}

  static ApiRoutes of(ActorSystem<?> system, SessionSharding sessions, AppRegistry apps) {
    return new ApiRoutes(
        ApiServices.create(
            system, ApiServices.Deps.of(system, sessions, apps, new ClientTokens())));
  }
}
