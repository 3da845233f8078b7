package io.pushgate.api.push;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * APNs provider authentication tokens, as Apple documents them: an ES256 JWT with header {@code
 * kid} = key id and claims {@code iss} = team id, {@code iat}; reused for {@link #REFRESH_AFTER}
 * (Apple refuses tokens older than an hour and asks for no more than one new token per 20 minutes).
 * Thread-safe.
 */
final class ApnsTokens {

  static final Duration REFRESH_AFTER = Duration.ofMinutes(50);

  private record Token(String jwt, Instant issuedAt) {}

  private final ApnsCredentials credentials;
  private final Algorithm es256;
  private final Clock clock;
  private volatile Token current;

  ApnsTokens(ApnsCredentials credentials, Clock clock) {
    this.credentials = credentials;
    this.es256 = Algorithm.ECDSA256((ECPublicKey) null, credentials.key());
    this.clock = clock;
  }

  /** The current token, signing a new one when it is due. */
  String token() {
    Token t = current;
    Instant now = clock.instant();
    if (t == null || !now.isBefore(t.issuedAt().plus(REFRESH_AFTER))) {
      synchronized (this) {
        t = current;
        if (t == null || !now.isBefore(t.issuedAt().plus(REFRESH_AFTER))) {
          t =
              new Token(
                  JWT.create()
                      .withKeyId(credentials.keyId())
                      .withIssuer(credentials.teamId())
                      .withIssuedAt(now)
                      .sign(es256),
                  now);
          current = t;
        }
      }
    }
    return t.jwt();
  }

  /**
   * APNs said the token expired or is invalid ({@code ExpiredProviderToken}): sign a new one next
   * time.
   */
  void invalidate(String refused) {
    synchronized (this) {
      Token t = current;
      if (t != null && t.jwt().equals(refused)) current = null;
    }
  }
}
