package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.gateway.http.HttpFallback;
import io.pushgate.gateway.http.SimpleHttpRequest;
import io.pushgate.gateway.http.SimpleHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test helper: calls an {@link HttpFallback} the way the gateway does and reads the JSON reply. */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpFallback fallback;
  private final String apiKey;

  ApiClient(HttpFallback fallback, String apiKey) {
    this.fallback = fallback;
    this.apiKey = apiKey;
  }

  Reply get(String uri) {
    return call("GET", uri, apiKey, null, null);
  }

  Reply delete(String uri) {
    return call("DELETE", uri, apiKey, null, null);
  }

  Reply post(String uri, String json) {
    return call("POST", uri, apiKey, "application/json", json);
  }

  CompletableFuture<SimpleHttpResponse> postAsync(String uri, String json) {
    return fallback.handle(request("POST", uri, apiKey, "application/json", json)).toCompletableFuture();
  }

  /** POST with one extra header (e.g. Idempotency-Key). */
  Reply postWithHeader(String uri, String json, String header, String value) {
    SimpleHttpRequest base = request("POST", uri, apiKey, "application/json", json);
    List<Map.Entry<String, String>> headers = new ArrayList<>(base.headers());
    headers.add(Map.entry(header, value));
    try {
      return Reply.of(
          fallback.handle(new SimpleHttpRequest("POST", uri, headers, base.body(), "127.0.0.1"))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError("request failed: POST " + uri, e);
    }
  }

  /** Any request; null key, content type or body are left out. */
  Reply call(String method, String uri, String key, String contentType, String body) {
    try {
      return Reply.of(
          fallback.handle(request(method, uri, key, contentType, body))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError("request failed: " + method + " " + uri, e);
    }
  }

  static SimpleHttpRequest request(String method, String uri, String key, String contentType, String body) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Host", "localhost:8080"));
    if (key != null) headers.add(Map.entry("Authorization", key.contains(" ") ? key : "Bearer " + key));
    if (contentType != null) headers.add(Map.entry("Content-Type", contentType));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) headers.add(Map.entry("Content-Length", Integer.toString(bytes.length)));
    return new SimpleHttpRequest(method, uri, headers, bytes, "127.0.0.1");
  }

  /** A response with its body parsed as JSON (null if empty). */
  record Reply(int status, String contentType, List<Map.Entry<String, String>> headers, JsonNode json) {

    static Reply of(SimpleHttpResponse r) throws Exception {
      JsonNode json = r.body().length == 0 ? null : JSON.readTree(r.body());
      return new Reply(r.status(), r.contentType(), r.headers(), json);
    }

    Optional<String> header(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** Asserts this is a problem document with the given status and code; returns it. */
    Reply assertProblem(int expectedStatus, String code) {
      assertEquals(expectedStatus, status, () -> "status of " + json);
      assertEquals("application/problem+json", contentType);
      assertEquals(code, json.path("code").asText(), () -> "code of " + json);
      assertEquals(expectedStatus, json.path("status").asInt());
      assertEquals("https://pushgate.dev/problems/" + code, json.path("type").asText());
      assertFalse(json.path("title").asText().isBlank());
      assertFalse(json.path("detail").asText().isBlank());
      return this;
    }
  }
}
