package io.pushgate.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the backend API of a node over real HTTP. */
final class ApiTestClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String apiKey;

  ApiTestClient(String hostPort, String apiKey) {
    this.base = "http://" + hostPort;
    this.apiKey = apiKey;
  }

  record Reply(int status, String contentType, JsonNode body) {}

  Reply post(String path, String json) throws Exception {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply get(String path) throws Exception {
    return send(request(path).GET());
  }

  Reply delete(String path) throws Exception {
    return send(request(path).DELETE());
  }

  Reply send(HttpRequest.Builder builder) throws Exception {
    HttpResponse<String> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    JsonNode json = body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    return new Reply(
        response.statusCode(), response.headers().firstValue("content-type").orElse(""), json);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json");
  }

  /** Sends one QoS 1 message to {@code user} and returns the message id; expects 202. */
  String push(String app, String user, String dataJson) throws Exception {
    Reply reply =
        post(
            "/v1/apps/" + app + "/messages",
            "{\"to\":[\"" + user + "\"],\"qos\":1,\"data\":" + dataJson + "}");
    if (reply.status() != 202) throw new AssertionError("expected 202, got " + reply);
    return reply.body().path("id").asText();
  }

  /** Mints a client token that grants the given topic patterns. */
  String token(String app, String user, String... topicPatterns) throws Exception {
    StringBuilder topics = new StringBuilder();
    for (String p : topicPatterns)
      topics.append(topics.length() == 0 ? "" : ",").append('"').append(p).append('"');
    Reply reply =
        post(
            "/v1/apps/" + app + "/tokens",
            "{\"user\":\"" + user + "\",\"ttl\":3600,\"topics\":[" + topics + "]}");
    if (reply.status() != 201) throw new AssertionError("expected 201, got " + reply);
    return reply.body().path("token").asText();
  }

  /** Mints a client token through the API. */
  String token(String app, String user) throws Exception {
    Reply reply = post("/v1/apps/" + app + "/tokens", "{\"user\":\"" + user + "\",\"ttl\":3600}");
    if (reply.status() != 201) throw new AssertionError("expected 201, got " + reply);
    return reply.body().path("token").asText();
  }
}
