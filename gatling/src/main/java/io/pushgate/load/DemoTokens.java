package io.pushgate.load;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Instant;
import java.util.List;

/**
 * Client tokens for load tests, signed locally with the demo app's published development secret
 * (cheaper than one API call per virtual user). Only for benchmarks against a dev node.
 */
public final class DemoTokens {

  public static final String APP = "demo";
  public static final String API_KEY = "demo-api-key";
  private static final Algorithm HS256 =
      Algorithm.HMAC256("demo-token-secret-do-not-use-in-production");

  private DemoTokens() {}

  public static String token(String user) {
    // grants every topic, so load clients may subscribe to whatever a scenario names
    return JWT.create()
        .withSubject(user)
        .withExpiresAt(Instant.now().plusSeconds(86_400))
        .withClaim("topics", List.of(">"))
        .sign(HS256);
  }
}
