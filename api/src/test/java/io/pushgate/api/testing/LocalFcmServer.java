package io.pushgate.api.testing;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;

/**
 * A local FCM, as Google documents it: the OAuth 2.0 token endpoint ({@code POST /token}, JWT
 * bearer grant; the assertion's RS256 signature, issuer, audience and scope are verified with the
 * service account's public key) and the HTTP v1 send endpoint ({@code POST
 * /v1/projects/{project}/messages:send}, bearer access token checked). Answers per token as
 * scripted: 200 {@code {"name":..}}; 404 {@code UNREGISTERED} in the documented error shape; 429
 * with {@code Retry-After}; 503; or nothing.
 */
public final class LocalFcmServer extends LocalProviderServer {

  private final RSAPublicKey serviceAccountKey;
  private final String projectId;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final Map<String, Boolean> accessTokens = new ConcurrentHashMap<>();

  private LocalFcmServer(RSAPublicKey serviceAccountKey, String projectId) {
    super("local-fcm");
    this.serviceAccountKey = serviceAccountKey;
    this.projectId = projectId;
  }

  public static LocalFcmServer start(RSAPublicKey serviceAccountKey, String projectId) {
    LocalFcmServer server = new LocalFcmServer(serviceAccountKey, projectId);
    server.bind(Optional.empty());
    return server;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public String tokenUrl() {
    return baseUrl() + "/token";
  }

  /** Access tokens issued so far. */
  public int tokensIssued() {
    return tokensIssued.get();
  }

  @Override
  protected CompletionStage<HttpResponse> route(HttpRequest request) {
    return request
        .entity()
        .toStrict(10_000, Materializer.matFromSystem(system()))
        .thenCompose(
            strict -> {
              String body = strict.getData().utf8String();
              String path = request.getUri().path();
              if (path.equals("/token")) return token(body);
              if (path.equals("/v1/projects/" + projectId + "/messages:send"))
                return send(request, body);
              return done(HttpResponse.create().withStatus(404));
            });
  }

  private CompletionStage<HttpResponse> token(String form) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0)
        fields.put(
            pair.substring(0, eq),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) {
      return done(json(400, "{\"error\":\"unsupported_grant_type\"}"));
    }
    try {
      JWT.require(Algorithm.RSA256(serviceAccountKey, (RSAPrivateKey) null))
          .withAudience(tokenUrl())
          .withClaim("scope", "https://www.googleapis.com/auth/firebase.messaging")
          .build()
          .verify(fields.getOrDefault("assertion", ""));
    } catch (JWTVerificationException e) {
      return done(
          json(
              400,
              "{\"error\":\"invalid_grant\",\"error_description\":\""
                  + e.getClass().getSimpleName()
                  + "\"}"));
    }
    String token = "ya29.test-" + tokensIssued.incrementAndGet();
    accessTokens.put(token, true);
    return done(
        json(
            200,
            "{\"access_token\":\"" + token + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"));
  }

  private CompletionStage<HttpResponse> send(HttpRequest request, String body) {
    String auth = request.getHeader("authorization").map(h -> h.value()).orElse("");
    if (!auth.startsWith("Bearer ") || !accessTokens.containsKey(auth.substring(7))) {
      return done(json(401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}"));
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (Exception e) {
      return done(json(400, "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\"}}"));
    }
    String token = json.path("message").path("token").asText("");
    Map<String, String> headers = new HashMap<>();
    request.getHeaders().forEach(h -> headers.put(h.lowercaseName(), h.value()));
    record(
        new Received(token, request.protocol().value(), headers, json, System.currentTimeMillis()));
    int status = statusFor(token, 404);
    return switch (status) {
      case 0 -> never();
      case 200 ->
          done(
              json(
                  200,
                  "{\"name\":\"projects/" + projectId + "/messages/" + System.nanoTime() + "\"}"));
      case 404 ->
          done(
              json(
                  404,
                  "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\","
                      + "\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}"));
      case 429 ->
          done(
              json(
                      429,
                      "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":"
                          + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"QUOTA_EXCEEDED\"}]}}")
                  .addHeader(RawHeader.create("Retry-After", "1")));
      default ->
          done(json(status, "{\"error\":{\"code\":" + status + ",\"status\":\"UNAVAILABLE\"}}"));
    };
  }

  private static HttpResponse json(int status, String body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
