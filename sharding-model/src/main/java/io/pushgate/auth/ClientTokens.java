package io.pushgate.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.RegisteredClaims;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import io.pushgate.topic.TopicName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client tokens: JWTs signed with HS256 and the app's {@link App#tokenSecret()}.
 *
 * <p>Contract (docs/protocol.md): {@code sub} is the user id and must satisfy {@link
 * SessionId#isValidUser}; {@code exp} is required; any other algorithm (including {@code none}) is
 * refused. No leeway is applied to {@code exp}. Tokens carry no app claim: the app is named in
 * hello and each app has its own secret.
 *
 * <p>Thread-safe; verifiers are cached per app (rebuilt if the app's secret changes). Verification
 * is CPU-only and does not block.
 */
public final class ClientTokens {

  /** The claim that lists the topic patterns a client may subscribe to. */
  public static final String TOPICS_CLAIM = "topics";

  private final Clock clock;
  private final ConcurrentHashMap<String, Keys> keysByApp = new ConcurrentHashMap<>();

  public ClientTokens() {
    this(Clock.systemUTC());
  }

  /** With an explicit clock (tests). */
  public ClientTokens(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Issues a token for {@code user} of {@code app}, valid for {@code ttl} (whole seconds; JWT times
   * have second precision).
   *
   * @throws IllegalArgumentException if the user id is invalid or the ttl is shorter than 1 s
   */
  public String issue(App app, String user, Duration ttl) {
    return issue(app, user, ttl, List.of());
  }

  /**
   * As {@link #issue(App, String, Duration)}, granting the client the topics matched by {@code
   * topicPatterns} (claim {@value #TOPICS_CLAIM}; see {@link io.pushgate.topic.TopicName}).
   */
  public String issue(App app, String user, Duration ttl, List<String> topicPatterns) {
    if (!SessionId.isValidUser(user)) throw new IllegalArgumentException("invalid user id");
    if (ttl == null || ttl.getSeconds() < 1)
      throw new IllegalArgumentException("ttl must be >= 1 s");
    Instant now = clock.instant();
    return JWT.create()
        .withSubject(user)
        .withIssuedAt(now)
        .withExpiresAt(now.plusSeconds(ttl.getSeconds()))
        .withClaim(TOPICS_CLAIM, topicPatterns.isEmpty() ? null : topicPatterns)
        .sign(keys(app).algorithm());
  }

  /** Verifies a token presented for {@code app}. Never throws. */
  public TokenVerification verify(App app, String token) {
    if (token == null || token.isBlank()) return new TokenVerification.Invalid("missing token");
    DecodedJWT jwt;
    try {
      jwt = keys(app).verifier().verify(token);
    } catch (TokenExpiredException e) {
      return new TokenVerification.Invalid("token expired");
    } catch (SignatureVerificationException e) {
      return new TokenVerification.Invalid("bad signature");
    } catch (AlgorithmMismatchException e) {
      return new TokenVerification.Invalid("algorithm must be HS256");
    } catch (MissingClaimException e) {
      return new TokenVerification.Invalid("missing claim " + e.getClaimName());
    } catch (JWTDecodeException e) {
      return new TokenVerification.Invalid("malformed token");
    } catch (JWTVerificationException e) {
      return new TokenVerification.Invalid("invalid token");
    }
    String user = jwt.getSubject();
    if (!SessionId.isValidUser(user)) return new TokenVerification.Invalid("invalid subject");
    List<String> patterns = List.of();
    Claim topics = jwt.getClaim(TOPICS_CLAIM);
    if (!topics.isMissing() && !topics.isNull()) {
      patterns = topics.asList(String.class);
      if (patterns == null || !patterns.stream().allMatch(TopicName::isValidPattern)) {
        return new TokenVerification.Invalid("claim topics must be an array of topic patterns");
      }
    }
    return new TokenVerification.Valid(user, jwt.getExpiresAtAsInstant(), patterns);
  }

  private Keys keys(App app) {
    Keys keys = keysByApp.get(app.id());
    if (keys == null || !keys.secret().equals(app.tokenSecret())) {
      keys = Keys.of(app.tokenSecret(), clock);
      keysByApp.put(app.id(), keys);
    }
    return keys;
  }

  private record Keys(String secret, Algorithm algorithm, JWTVerifier verifier) {
    static Keys of(String secret, Clock clock) {
      Algorithm algorithm = Algorithm.HMAC256(secret);
      JWTVerifier verifier =
          ((JWTVerifier.BaseVerification)
                  JWT.require(algorithm)
                      .withClaimPresence(RegisteredClaims.EXPIRES_AT)
                      .withClaimPresence(RegisteredClaims.SUBJECT))
              .build(clock);
      return new Keys(secret, algorithm, verifier);
    }

    @Override
    public String toString() {
      return "Keys[***]";
    }
  }
}
