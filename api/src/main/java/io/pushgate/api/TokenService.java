package io.pushgate.api;

import com.auth0.jwt.JWT;
import io.pushgate.api.dto.TokenRequest;
import io.pushgate.api.dto.TokenResponse;
import io.pushgate.auth.ClientTokens;
import io.pushgate.model.App;
import java.time.Instant;

/**
 * Mints client tokens for backends: {@code POST /v1/apps/{app}/tokens}. Signing is local CPU work
 * (HS256), so this is synchronous. No HTTP types.
 */
public final class TokenService {

  private final RequestParser parser;
  private final ClientTokens tokens;

  TokenService(ApiSettings settings, ClientTokens tokens) {
    this.parser = new RequestParser(settings);
    this.tokens = tokens;
  }

  /**
   * @throws ApiProblem malformed_json, invalid_field, invalid_user or invalid_ttl
   */
  TokenResponse issue(App app, byte[] body) {
    return issue(app, parser.parseToken(body));
  }

  /** Mints a token for a validated request ({@link RequestParser#token}). */
  public TokenResponse issue(App app, TokenRequest request) {
    String token = tokens.issue(app, request.user(), request.ttl(), request.topics());
    // report the expiry the token itself carries, so the two can never disagree
    Instant expiresAt = JWT.decode(token).getExpiresAtAsInstant();
    return new TokenResponse(token, expiresAt == null ? null : expiresAt.toString());
  }
}
