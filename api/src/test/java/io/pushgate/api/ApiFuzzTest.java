package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Fuzz of the backend API (issue 14): random methods, paths (with odd, encoded and overlong
 * segments), credentials, content types, idempotency keys and bodies (mutated message requests,
 * wrong types, huge numbers, deep nesting, garbage and invalid UTF-8) on the real routes over a
 * real session sharding. Every request must get a documented answer: never 500; every error is
 * problem+json with a documented code and a matching status; and the API keeps serving a control
 * request. Seeded by jqwik; tries: {@code jqwik.tries.default}.
 */
class ApiFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final App DEMO =
      new App("demo", "demo-key", "fuzz-test-token-secret-0123456789abcdef", false);
  private static final Set<String> CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
  private static ActorTestKit testKit;
  private static ApiTestClient api;

  record Request(
      String method,
      String uri,
      String auth,
      String contentType,
      String idempotencyKey,
      byte[] body) {
    @Override
    public String toString() {
      return method
          + " "
          + uri
          + " auth="
          + auth
          + " type="
          + contentType
          + " key="
          + idempotencyKey
          + " body="
          + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    }
  }

  @BeforeContainer
  static void start() {
    testKit = SingleNodeTestKit.start("ApiFuzzTest", "");
    SessionSharding sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes = TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(DEMO)));
    api = ApiTestServer.serving(testKit.system(), routes, null);
  }

  @AfterContainer
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
  }

  @Property
  void everyRequestGetsADocumentedAnswer(@ForAll("requests") Request request) throws Exception {
    ApiTestClient.Reply response = call(request);
    assertNotEquals(500, response.status(), () -> "500 for " + request);
    if (response.status() >= 400) {
      assertEquals(
          "application/problem+json", response.contentType(), () -> "problem+json for " + request);
      if (!request.method().equals("HEAD")) { // a HEAD response has headers only (RFC 9110)
        JsonNode problem = JSON.readTree(response.body());
        assertTrue(
            CODES.contains(problem.path("code").asText()),
            () -> "documented code " + problem + " for " + request);
        assertEquals(
            response.status(), problem.path("status").asInt(), () -> "status field of " + problem);
      }
    } else if (response.body().length > 0) {
      JSON.readTree(response.body()); // well-formed JSON
    }
    ApiTestClient.Reply control =
        call(
            new Request(
                "GET", "/v1/apps/demo/users/control", "Bearer demo-key", null, null, new byte[0]));
    assertEquals(200, control.status(), "the API keeps serving");
  }

  private static ApiTestClient.Reply call(Request r) {
    Map<String, String> headers =
        r.idempotencyKey() == null ? Map.of() : Map.of("Idempotency-Key", r.idempotencyKey());
    return api.call(r.method(), r.uri(), r.auth(), r.contentType(), r.body(), headers);
  }

  // ---- generators ----

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.just("POST")),
            net.jqwik.api.Tuple.of(3, Arbitraries.of("GET", "PUT", "DELETE")),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("PATCH", "HEAD", "OPTIONS", "TRACE", "BREW")));
    Arbitrary<String> auth =
        Arbitraries.oneOf(
            Arbitraries.just("Bearer demo-key"),
            Arbitraries.just("Bearer demo-key"),
            Arbitraries.of(
                "Bearer wrong",
                "Basic ZGVtbzpkZW1v",
                "Bearer",
                "",
                "Bearer demo-key extra",
                "bearer demo-key"),
            Arbitraries.just(null));
    Arbitrary<String> type =
        Arbitraries.of(
            "application/json",
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
            "garbage",
            null);
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.just(null),
            Arbitraries.just(null),
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80));
    return Combinators.combine(method, path(), auth, type, key, body()).as(Request::new);
  }

  private static Arbitrary<String> segment() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(20)
            .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)),
        Arbitraries.of(
            "..",
            ".",
            "%00",
            "%2F",
            "%",
            "%zz",
            "a b",
            "ünï",
            "*",
            ">",
            "a.b.c",
            "x".repeat(300),
            "demo"));
  }

  private static Arbitrary<String> path() {
    Arbitrary<String> app =
        Arbitraries.oneOf(Arbitraries.just("demo"), Arbitraries.just("demo"), segment());
    return Combinators.combine(app, segment(), segment(), Arbitraries.integers().between(0, 11))
        .as(
            (a, s1, s2, shape) ->
                switch (shape) {
                  case 0, 1, 2 -> "/v1/apps/" + a + "/messages";
                  case 3 -> "/v1/apps/" + a + "/broadcasts";
                  case 4 -> "/v1/apps/" + a + "/broadcasts/" + s1;
                  case 5 -> "/v1/apps/" + a + "/users/" + s1;
                  case 6 -> "/v1/apps/" + a + "/users/" + s1 + "/messages/" + s2;
                  case 7 -> "/v1/apps/" + a + "/users/" + s1 + "/topics/" + s2;
                  case 8 -> "/v1/apps/" + a + "/topics/" + s1 + "/messages";
                  case 9 -> "/v1/apps/" + a + "/tokens";
                  case 10 -> "/v1/apps/" + a + "/messages?" + s1 + "=" + s2;
                  default -> "/" + s1 + "/" + s2;
                });
  }

  private static Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().ofMaxLength(10).map(s -> "\"" + s + "\""),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.of(
            "1e400",
            "-1",
            "0",
            "1.5",
            "null",
            "true",
            "[]",
            "{}",
            "\"\"",
            "99999999999999999999999",
            "{\"a\":[1,{\"b\":null}]}",
            "\"" + "x".repeat(5000) + "\""));
  }

  private static Arbitrary<byte[]> body() {
    Arbitrary<String> recipients =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .alpha()
                .ofMinLength(1)
                .ofMaxLength(8)
                .list()
                .ofMaxSize(5)
                .map(
                    l ->
                        l.stream()
                            .map(u -> "\"" + u + "\"")
                            .collect(Collectors.joining(",", "[", "]"))),
            Arbitraries.integers()
                .between(900, 1100)
                .map(
                    n ->
                        IntStream.range(0, n)
                            .mapToObj(i -> "\"u" + i + "\"")
                            .collect(Collectors.joining(",", "[", "]"))),
            jsonValue());
    Arbitrary<String> field =
        Arbitraries.of("to", "qos", "ttl", "data", "collapseKey", "user", "topics", "x");
    Arbitrary<String> member =
        Combinators.combine(field, jsonValue()).as((k, v) -> "\"" + k + "\":" + v);
    Arbitrary<String> message =
        Combinators.combine(recipients, jsonValue(), member.list().ofMaxSize(4))
            .as(
                (to, data, more) ->
                    "{\"to\":"
                        + to
                        + ",\"data\":"
                        + data
                        + more.stream().map(m -> "," + m).collect(Collectors.joining())
                        + "}");
    return Arbitraries.oneOf(
        message.map(s -> s.getBytes(StandardCharsets.UTF_8)),
        message.map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.strings().ofMaxLength(100).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(100),
        Arbitraries.integers()
            .between(100, 5000)
            .map(
                d ->
                    ("{\"to\":[\"a\"],\"data\":" + "[".repeat(d) + "]".repeat(d) + "}")
                        .getBytes(StandardCharsets.UTF_8)),
        Arbitraries.just(new byte[0]));
  }
}
