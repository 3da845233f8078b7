package io.pushgate.api.push;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.ApiJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * OAuth 2.0 access tokens for FCM from a service account, by the JWT bearer grant (RFC 7523) as
 * Google documents it: an RS256 assertion ({@code iss} = client email, {@code scope} =
 * firebase.messaging, {@code aud} = token URI, one hour) POSTed to the account's {@code token_uri}.
 * A token is cached until {@link #REFRESH_MARGIN} before it expires; concurrent callers share one
 * request. Thread-safe; never blocks.
 */
final class FcmAccessTokens {

  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** A token is renewed this long before it expires. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private record Cached(String token, Instant renewAt) {}

  private final FcmCredentials credentials;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final Algorithm rs256;
  private CompletableFuture<Cached> current; // guarded by this

  FcmAccessTokens(FcmCredentials credentials, HttpClient http, Duration timeout, Clock clock) {
    this.credentials = credentials;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
    this.rs256 = Algorithm.RSA256((RSAPublicKey) null, credentials.privateKey());
  }

  /** A valid access token: the cached one, or a new one. */
  synchronized CompletionStage<String> token() {
    CompletableFuture<Cached> cached = current;
    if (cached != null && (!cached.isDone() || usable(cached)))
      return cached.thenApply(Cached::token);
    current = fetch();
    return current.thenApply(Cached::token);
  }

  /** The provider refused the token (401): the next call fetches a new one. */
  synchronized void invalidate() {
    current = null;
  }

  private boolean usable(CompletableFuture<Cached> done) {
    if (done.isCompletedExceptionally()) return false;
    return clock.instant().isBefore(done.join().renewAt());
  }

  private CompletableFuture<Cached> fetch() {
    Instant now = clock.instant();
    String assertion =
        JWT.create()
            .withKeyId(credentials.privateKeyId().isEmpty() ? null : credentials.privateKeyId())
            .withIssuer(credentials.clientEmail())
            .withAudience(credentials.tokenUri())
            .withClaim("scope", SCOPE)
            .withIssuedAt(now)
            .withExpiresAt(now.plus(Duration.ofHours(1)))
            .sign(rs256);
    String form =
        "grant_type="
            + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
            + "&assertion="
            + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(credentials.tokenUri()))
            .version(ProviderSender.versionFor(URI.create(credentials.tokenUri())))
            .timeout(timeout)
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "FCM token endpoint answered " + response.statusCode());
              }
              JsonNode body = ApiJson.parse(response.body());
              String token = body.path("access_token").asText("");
              if (token.isEmpty())
                throw new IllegalStateException("FCM token endpoint answered no access_token");
              long expiresIn = body.path("expires_in").asLong(3600);
              return new Cached(token, now.plusSeconds(expiresIn).minus(REFRESH_MARGIN));
            });
  }
}
