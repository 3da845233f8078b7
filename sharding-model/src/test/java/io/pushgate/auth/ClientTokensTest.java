package io.pushgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.pushgate.model.App;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClientTokensTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final App DEMO = new App("demo", "key", SECRET, false);

  private final ClientTokens tokens = new ClientTokens(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void issuedTokenVerifies() {
    String token = tokens.issue(DEMO, "alice", Duration.ofHours(1));
    assertEquals(
        new TokenVerification.Valid("alice", NOW.plus(Duration.ofHours(1))),
        tokens.verify(DEMO, token));
  }

  @Test
  void expiredTokenIsRefused() {
    String token = tokens.issue(DEMO, "alice", Duration.ofSeconds(60));
    ClientTokens later = new ClientTokens(Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));
    assertEquals(new TokenVerification.Invalid("token expired"), later.verify(DEMO, token));
  }

  @Test
  void tokenOfAnotherSecretIsRefused() {
    App other = new App("demo", "key", "another-secret-another-secret-xx", false);
    String token = tokens.issue(other, "alice", Duration.ofHours(1));
    assertEquals(new TokenVerification.Invalid("bad signature"), tokens.verify(DEMO, token));
  }

  @Test
  void tokenWithoutExpIsRefused() {
    String token = JWT.create().withSubject("alice").sign(Algorithm.HMAC256(SECRET));
    assertEquals(new TokenVerification.Invalid("missing claim exp"), tokens.verify(DEMO, token));
  }

  @Test
  void tokenWithInvalidSubjectIsRefused() {
    String token =
        JWT.create()
            .withSubject("al:ice")
            .withExpiresAt(NOW.plusSeconds(60))
            .sign(Algorithm.HMAC256(SECRET));
    assertEquals(new TokenVerification.Invalid("invalid subject"), tokens.verify(DEMO, token));
    String noSub = JWT.create().withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    assertInstanceOf(TokenVerification.Invalid.class, tokens.verify(DEMO, noSub));
  }

  @Test
  void otherAlgorithmsAndGarbageAreRefused() {
    String hs384 =
        JWT.create()
            .withSubject("alice")
            .withExpiresAt(NOW.plusSeconds(60))
            .sign(Algorithm.HMAC384(SECRET));
    assertEquals(
        new TokenVerification.Invalid("algorithm must be HS256"), tokens.verify(DEMO, hs384));
    String none =
        JWT.create().withSubject("alice").withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.none());
    assertInstanceOf(TokenVerification.Invalid.class, tokens.verify(DEMO, none));
    assertEquals(
        new TokenVerification.Invalid("malformed token"), tokens.verify(DEMO, "not.a.jwt"));
    assertEquals(new TokenVerification.Invalid("missing token"), tokens.verify(DEMO, ""));
    assertEquals(new TokenVerification.Invalid("missing token"), tokens.verify(DEMO, null));
  }

  @Test
  void changedSecretInvalidatesCachedVerifier() {
    String token = tokens.issue(DEMO, "alice", Duration.ofHours(1));
    App rotated = new App("demo", "key", "rotated-secret-rotated-secret-xx", false);
    assertEquals(new TokenVerification.Invalid("bad signature"), tokens.verify(rotated, token));
    assertInstanceOf(TokenVerification.Valid.class, tokens.verify(DEMO, token));
  }

  @Test
  void issueValidatesArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> tokens.issue(DEMO, "a/b", Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> tokens.issue(DEMO, "alice", Duration.ZERO));
  }
}
