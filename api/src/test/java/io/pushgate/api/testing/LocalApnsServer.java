package io.pushgate.api.testing;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;

/**
 * A local APNs, as Apple documents it: HTTP/2 over TLS (a certificate from a test CA, written to
 * {@link #caPem()} for the client to trust), {@code POST /3/device/{token}} with a provider token
 * ({@code authorization: bearer}, ES256 with {@code kid} = key id and {@code iss} = team id,
 * verified with the key's public half). Answers per token as scripted: 200 with {@code apns-id};
 * 410 {@code {"reason":"Unregistered"}}; 429 {@code TooManyRequests}; 503 {@code
 * ServiceUnavailable}; or nothing. Requests with a bad provider token get 403 {@code
 * InvalidProviderToken}.
 */
public final class LocalApnsServer extends LocalProviderServer {

  private final ECPublicKey signingKey;
  private final String keyId;
  private final String teamId;
  private final Path caPem;

  private LocalApnsServer(ECPublicKey signingKey, String keyId, String teamId, Path caPem) {
    super("local-apns");
    this.signingKey = signingKey;
    this.keyId = keyId;
    this.teamId = teamId;
    this.caPem = caPem;
  }

  /**
   * Starts on an ephemeral port with a certificate signed by a new test CA, made in {@code dir}.
   */
  public static LocalApnsServer start(ECPublicKey signingKey, String keyId, String teamId, Path dir)
      throws Exception {
    Path ca = dir.resolve("apns-ca.pem");
    LocalApnsServer server = new LocalApnsServer(signingKey, keyId, teamId, ca);
    server.bind(Optional.of(TestPushKeys.serverSignedByTestCa(dir, ca)));
    return server;
  }

  public String baseUrl() {
    return "https://localhost:" + port();
  }

  /** The test CA's certificate: what a client must trust ({@code pushgate.push.ca-file}). */
  public Path caPem() {
    return caPem;
  }

  @Override
  protected CompletionStage<HttpResponse> route(HttpRequest request) {
    return request
        .entity()
        .toStrict(10_000, Materializer.matFromSystem(system()))
        .thenCompose(
            strict -> {
              String path = request.getUri().path();
              if (!request.method().value().equals("POST") || !path.startsWith("/3/device/")) {
                return done(reason(404, "BadPath"));
              }
              String token =
                  URLDecoder.decode(path.substring("/3/device/".length()), StandardCharsets.UTF_8);
              String auth = request.getHeader("authorization").map(h -> h.value()).orElse("");
              try {
                DecodedJWT jwt =
                    JWT.require(Algorithm.ECDSA256(signingKey, (ECPrivateKey) null))
                        .withIssuer(teamId)
                        .build()
                        .verify(
                            auth.regionMatches(true, 0, "bearer ", 0, 7) ? auth.substring(7) : "");
                if (!keyId.equals(jwt.getKeyId()) || jwt.getIssuedAtAsInstant() == null)
                  return done(reason(403, "InvalidProviderToken"));
              } catch (JWTVerificationException e) {
                return done(reason(403, "InvalidProviderToken"));
              }
              Map<String, String> headers = new HashMap<>();
              request.getHeaders().forEach(h -> headers.put(h.lowercaseName(), h.value()));
              JsonNode body;
              try {
                body = JSON.readTree(strict.getData().utf8String());
              } catch (Exception e) {
                return done(reason(400, "PayloadEmpty"));
              }
              record(
                  new Received(
                      token,
                      request.protocol().value(),
                      headers,
                      body,
                      System.currentTimeMillis()));
              int status = statusFor(token, 410);
              return switch (status) {
                case 0 -> never();
                case 200 ->
                    done(
                        HttpResponse.create()
                            .withStatus(200)
                            .addHeader(RawHeader.create("apns-id", UUID.randomUUID().toString())));
                case 410 -> done(reason(410, "Unregistered"));
                case 429 -> done(reason(429, "TooManyRequests"));
                default -> done(reason(status, "ServiceUnavailable"));
              };
            });
  }

  private static HttpResponse reason(int status, String reason) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, "{\"reason\":\"" + reason + "\"}");
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
