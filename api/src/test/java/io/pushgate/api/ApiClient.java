package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Test helper: serves a route on a real {@link ApiServer} (127.0.0.1, ephemeral port; released with
 * the actor system) and calls it over HTTP with the JDK client, reading the JSON reply.
 */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private final String base;
  private final String apiKey;

  private ApiClient(String base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  /**
   * Starts an API server for {@code routes} as the node serves them (their direct sends in front of
   * their route) and returns a client that sends {@code apiKey}.
   */
  static ApiClient serving(ActorSystem<?> system, ApiRoutes routes, String apiKey) {
    return serving(system, routes.route(), routes.directSends(), apiKey);
  }

  /** Starts an API server for {@code route} and {@code direct} on an ephemeral port. */
  static ApiClient serving(ActorSystem<?> system, Route route, DirectRoute direct, String apiKey) {
    try {
      ApiServer server =
          ApiServer.start(system, route, direct, localSettings(system))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new ApiClient("http://127.0.0.1:" + server.localAddress().getPort(), apiKey);
    } catch (Exception e) {
      throw new AssertionError("API server did not start", e);
    }
  }

  /** Serves {@code route} alone (no direct path) on an ephemeral port of 127.0.0.1; its port. */
  static int servePort(ActorSystem<?> system, Route route) {
    try {
      return ApiServer.start(system, route, DirectRoute.NONE, localSettings(system))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS)
          .localAddress()
          .getPort();
    } catch (Exception e) {
      throw new AssertionError("API server did not start", e);
    }
  }

  /** The API listener's settings on 127.0.0.1, an ephemeral port. */
  static io.pushgate.api.server.ApiListenerSettings localSettings(ActorSystem<?> system) {
    return io.pushgate.api.server.ApiListenerSettings.fromConfig(
        system.settings().config(), "127.0.0.1", 0);
  }

  /** The same server, another API key. */
  ApiClient withKey(String key) {
    return new ApiClient(base, key);
  }

  /** The server's base URI, e.g. {@code http://127.0.0.1:41234}. */
  String base() {
    return base;
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

  CompletableFuture<Reply> postAsync(String uri, String json) {
    return send(
        request(
            "POST",
            uri,
            apiKey,
            "application/json",
            json == null ? null : json.getBytes(),
            Map.of()));
  }

  /** POST with one extra header (e.g. Idempotency-Key). */
  Reply postWithHeader(String uri, String json, String header, String value) {
    return await(
        "POST " + uri,
        send(
            request(
                "POST", uri, apiKey, "application/json", json.getBytes(), Map.of(header, value))));
  }

  /** Any request; null key, content type or body are left out. */
  Reply call(String method, String uri, String key, String contentType, String body) {
    return call(
        method,
        uri,
        key,
        contentType,
        body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Map.of());
  }

  /**
   * Any request with raw body bytes and extra headers (restricted ones such as Host are set by the
   * client). A target the JDK client refuses (e.g. a malformed percent-escape) goes over a raw
   * socket.
   */
  Reply call(
      String method,
      String uri,
      String key,
      String contentType,
      byte[] body,
      Map<String, String> headers) {
    HttpRequest request;
    try {
      request = request(method, uri, key, contentType, body, headers);
    } catch (IllegalArgumentException notSendableByTheJdkClient) {
      return raw(method, uri, key, contentType, body, headers);
    }
    return await(method + " " + uri, send(request));
  }

  /**
   * One HTTP/1.1 request over a plain socket, {@code Connection: close}; the response read to EOF.
   */
  private Reply raw(
      String method,
      String uri,
      String key,
      String contentType,
      byte[] body,
      Map<String, String> headers) {
    URI server = URI.create(base);
    try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head =
          new StringBuilder(
              method
                  + " "
                  + uri
                  + " HTTP/1.1\r\nHost: "
                  + server.getAuthority()
                  + "\r\nConnection: close\r\n");
      if (key != null)
        head.append("Authorization: ")
            .append(key.contains(" ") || key.isEmpty() ? key : "Bearer " + key)
            .append("\r\n");
      if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
      headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
      byte[] bytes = body == null ? new byte[0] : body;
      head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      socket
          .getOutputStream()
          .write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return Reply.parse(socket.getInputStream().readAllBytes());
    } catch (java.io.IOException e) {
      throw new AssertionError("raw request failed: " + method + " " + uri, e);
    }
  }

  private HttpRequest request(
      String method,
      String uri,
      String key,
      String contentType,
      byte[] body,
      Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + uri))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (key != null)
      b.header("Authorization", key.contains(" ") || key.isEmpty() ? key : "Bearer " + key);
    if (contentType != null) b.header("Content-Type", contentType);
    headers.forEach(b::header);
    return b.build();
  }

  private static CompletableFuture<Reply> send(HttpRequest request) {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(Reply::of);
  }

  private static Reply await(String what, CompletableFuture<Reply> reply) {
    try {
      return reply.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("request failed: " + what, e);
    }
  }

  /** A response with its body parsed as JSON (null if empty). */
  record Reply(
      int status,
      String contentType,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      JsonNode json) {

    static Reply of(HttpResponse<byte[]> r) {
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      r.headers()
          .map()
          .forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
      String type = r.headers().firstValue("Content-Type").orElse(null);
      JsonNode json = null;
      if (r.body().length > 0 && type != null && type.contains("json")) {
        try {
          json = JSON.readTree(r.body());
        } catch (Exception e) {
          throw new AssertionError("malformed JSON body: " + new String(r.body()), e);
        }
      }
      return new Reply(r.statusCode(), type, headers, r.body(), json);
    }

    /** Parses a whole HTTP/1.1 response with a Content-Length body (as {@link #raw} reads it). */
    static Reply parse(byte[] response) {
      String text = new String(response, java.nio.charset.StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) throw new AssertionError("no response head: " + text);
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      String type = null;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = lines[i].substring(0, colon).trim();
        String value = lines[i].substring(colon + 1).trim();
        headers.add(Map.entry(name, value));
        if (name.equalsIgnoreCase("Content-Type")) type = value;
      }
      byte[] body = java.util.Arrays.copyOfRange(response, end + 4, response.length);
      JsonNode json = null;
      if (body.length > 0 && type != null && type.contains("json")) {
        try {
          json = JSON.readTree(body);
        } catch (Exception e) {
          throw new AssertionError("malformed JSON body: " + new String(body), e);
        }
      }
      return new Reply(status, type, headers, body, json);
    }

    Optional<String> header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst();
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
