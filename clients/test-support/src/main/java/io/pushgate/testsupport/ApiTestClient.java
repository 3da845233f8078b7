package io.pushgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Calls a backend API (docs/api.md) over real HTTP/1.1 with the JDK client and an API key, and
 * reads the reply. A request the JDK client refuses to send (e.g. a malformed percent-escape) goes
 * over a raw socket instead, so tests can send what bad clients send. A request that gets no answer
 * within 60 s fails with an unchecked exception. Thread-safe.
 */
public final class ApiTestClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private final String base;
  private final String apiKey;

  /**
   * @param base the server, e.g. {@code http://127.0.0.1:41234}
   * @param apiKey sent as {@code Authorization: Bearer <key>}; a key with a space is sent as it is,
   *     null sends no Authorization header
   */
  public ApiTestClient(String base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  /** A client of the node whose API listens on {@code host:port}. */
  public static ApiTestClient node(String hostPort, String apiKey) {
    return new ApiTestClient("http://" + hostPort, apiKey);
  }

  /** The same server, another API key. */
  public ApiTestClient withKey(String key) {
    return new ApiTestClient(base, key);
  }

  /** The server's base URI, e.g. {@code http://127.0.0.1:41234}. */
  public String base() {
    return base;
  }

  public Reply get(String uri) {
    return call("GET", uri, apiKey, null, null);
  }

  public Reply delete(String uri) {
    return call("DELETE", uri, apiKey, null, null);
  }

  public Reply post(String uri, String json) {
    return call("POST", uri, apiKey, "application/json", json);
  }

  public Reply put(String uri, String json) {
    return call("PUT", uri, apiKey, json == null ? null : "application/json", json);
  }

  public CompletableFuture<Reply> postAsync(String uri, String json) {
    byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
    return send(new Request("POST", uri, apiKey, "application/json", body, Map.of()).toJdk(base));
  }

  /** POST with one extra header (e.g. Idempotency-Key). */
  public Reply postWithHeader(String uri, String json, String header, String value) {
    return call(
        "POST",
        uri,
        apiKey,
        "application/json",
        json.getBytes(StandardCharsets.UTF_8),
        Map.of(header, value));
  }

  /** Any request; null key, content type or body are left out. */
  public Reply call(String method, String uri, String key, String contentType, String body) {
    return call(
        method,
        uri,
        key,
        contentType,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  /**
   * Any request with raw body bytes and extra headers (restricted ones such as Host are set by the
   * client). A target the JDK client refuses goes over a raw socket.
   */
  public Reply call(
      String method,
      String uri,
      String key,
      String contentType,
      byte[] body,
      Map<String, String> headers) {
    Request request = new Request(method, uri, key, contentType, body, headers);
    HttpRequest jdk;
    try {
      jdk = request.toJdk(base);
    } catch (IllegalArgumentException notSendableByTheJdkClient) {
      return raw(request);
    }
    return await(method + " " + uri, send(jdk));
  }

  /** Sends one QoS 1 message to {@code user} and returns the message id; expects 202. */
  public String push(String app, String user, String dataJson) {
    Reply reply =
        post(
            "/v1/apps/" + app + "/messages",
            "{\"to\":[\"" + user + "\"],\"qos\":1,\"data\":" + dataJson + "}");
    if (reply.status() != 202) throw new AssertionError("expected 202, got " + reply);
    return reply.json().path("id").asText();
  }

  /** Mints a client token for {@code user} (an hour) that grants the given topic patterns. */
  public String token(String app, String user, String... topicPatterns) {
    StringBuilder topics = new StringBuilder();
    for (String p : topicPatterns)
      topics.append(topics.length() == 0 ? "" : ",").append('"').append(p).append('"');
    Reply reply =
        post(
            "/v1/apps/" + app + "/tokens",
            "{\"user\":\""
                + user
                + "\",\"ttl\":3600"
                + (topicPatterns.length == 0 ? "" : ",\"topics\":[" + topics + "]")
                + "}");
    if (reply.status() != 201) throw new AssertionError("expected 201, got " + reply);
    return reply.json().path("token").asText();
  }

  /**
   * One HTTP/1.1 request over a plain socket, {@code Connection: close}; the response read to EOF.
   */
  private Reply raw(Request r) {
    URI server = URI.create(base);
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head =
          new StringBuilder(
              r.method()
                  + " "
                  + r.uri()
                  + " HTTP/1.1\r\nHost: "
                  + server.getAuthority()
                  + "\r\nConnection: close\r\n");
      if (r.key() != null)
        head.append("Authorization: ").append(authorization(r.key())).append("\r\n");
      if (r.contentType() != null)
        head.append("Content-Type: ").append(r.contentType()).append("\r\n");
      r.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
      byte[] bytes = r.body() == null ? new byte[0] : r.body();
      head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return Reply.parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("raw request failed: " + r.method() + " " + r.uri(), e);
    }
  }

  /** One request as the test wrote it; null key, content type and body are left out. */
  private record Request(
      String method,
      String uri,
      String key,
      String contentType,
      byte[] body,
      Map<String, String> headers) {

    /** The JDK client's request; throws IllegalArgumentException for a target it refuses. */
    HttpRequest toJdk(String base) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + uri))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      if (key != null) b.header("Authorization", authorization(key));
      if (contentType != null) b.header("Content-Type", contentType);
      headers.forEach(b::header);
      return b.build();
    }
  }

  private static String authorization(String key) {
    return key.contains(" ") || key.isEmpty() ? key : "Bearer " + key;
  }

  private static CompletableFuture<Reply> send(HttpRequest request) {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(Reply::of);
  }

  private static Reply await(String what, CompletableFuture<Reply> reply) {
    try {
      return reply.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io)
        throw new UncheckedIOException("no answer: " + what, io);
      throw new IllegalStateException("request failed: " + what, e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("request failed: " + what, e);
    }
  }

  /**
   * A response; {@code json} is its body parsed when it is JSON, else {@link MissingNode} (so
   * {@code json().path(...)} never throws).
   */
  public record Reply(
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
      return new Reply(r.statusCode(), type, headers, r.body(), json(type, r.body()));
    }

    /** Parses a whole HTTP/1.1 response with a Content-Length body (as a raw request reads it). */
    static Reply parse(byte[] response) {
      String text = new String(response, StandardCharsets.ISO_8859_1);
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
      byte[] body = Arrays.copyOfRange(response, end + 4, response.length);
      return new Reply(status, type, headers, body, json(type, body));
    }

    private static JsonNode json(String type, byte[] body) {
      if (body.length == 0 || type == null || !type.contains("json"))
        return MissingNode.getInstance();
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("malformed JSON body: " + new String(body), e);
      }
    }

    public Optional<String> header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst();
    }

    /** Asserts this is a problem document with the given status and code; returns it. */
    public Reply assertProblem(int expectedStatus, String code) {
      assertEquals(expectedStatus, status, () -> "status of " + json);
      assertEquals("application/problem+json", contentType);
      assertEquals(code, json.path("code").asText(), () -> "code of " + json);
      assertEquals(expectedStatus, json.path("status").asInt());
      assertEquals("https://pushgate.dev/problems/" + code, json.path("type").asText());
      assertFalse(json.path("title").asText().isBlank());
      assertFalse(json.path("detail").asText().isBlank());
      return this;
    }

    @Override
    public String toString() {
      return "Reply["
          + status
          + " "
          + contentType
          + " "
          + new String(body, StandardCharsets.UTF_8)
          + "]";
    }
  }
}
