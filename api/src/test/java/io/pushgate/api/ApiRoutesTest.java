package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.App;
import io.pushgate.model.AppRegistry;
import io.pushgate.model.SessionId;
import io.pushgate.session.ConnectionInfo;
import io.pushgate.session.ConnectionMessage;
import io.pushgate.session.DisconnectReason;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionSharding;
import io.pushgate.testsupport.ApiTestClient;
import io.pushgate.testsupport.ApiTestClient.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API end to end on a real single-node cluster (sharding, in-memory journal), called the way
 * backends call it: over HTTP to a real {@link ApiServer}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutesTest {

  private static final String SECRET = "route-test-token-secret-0123456789abcdef";
  private static final App DEMO = new App("demo", "demo-key", SECRET, false);
  private static final App OTHER =
      new App("other", "other-key", "other-token-secret-0123456789abcdef012", false);

  private ActorTestKit testKit;
  private SessionSharding sessions;
  private ApiTestClient api;
  private final AtomicInteger users = new AtomicInteger();

  @BeforeAll
  void startNode() {
    testKit = SingleNodeTestKit.start("ApiRoutesTest", "");
    sessions = SessionSharding.init(testKit.system());
    ApiRoutes routes =
        TestRoutes.of(testKit.system(), sessions, new AppRegistry(List.of(DEMO, OTHER)));
    api = ApiTestServer.serving(testKit.system(), routes, DEMO.apiKey());
  }

  @AfterAll
  void stopNode() {
    testKit.shutdownTestKit();
  }

  /** A user nobody else in this class uses. */
  private String freshUser() {
    return "user" + users.incrementAndGet();
  }

  // ---------------------------------------------------------------- messages

  @Test
  void sendsTheDirectPathLeavesAreAnsweredByTheRouteTheSameWay() {
    // the direct path takes plain paths only; an encoded one (d%65mo = demo) goes through the route
    String user = freshUser();
    Reply routed =
        api.post("/v1/apps/d%65mo/messages", "{\"to\":[\"" + user + "\"],\"qos\":1,\"data\":1}");
    assertEquals(202, routed.status());
    assertEquals(1, routed.json().path("recipients").get(0).path("seq").asLong());
    Reply direct =
        api.post("/v1/apps/demo/messages", "{\"to\":[\"" + user + "\"],\"qos\":1,\"data\":2}");
    assertEquals(202, direct.status());
    assertEquals(2, direct.json().path("recipients").get(0).path("seq").asLong());
    // the same refusals either way
    api.post("/v1/apps/d%65mo/messages", "{\"to\":[],\"data\":1}")
        .assertProblem(400, "invalid_field");
    api.post("/v1/apps/demo/messages", "{\"to\":[],\"data\":1}")
        .assertProblem(400, "invalid_field");
    api.call("POST", "/v1/apps/demo/messages", "wrong", "application/json", "{}")
        .assertProblem(401, "unauthorized");
    api.call("POST", "/v1/apps/nope/messages", "demo-key", "application/json", "{}")
        .assertProblem(404, "unknown_app");
    api.call(
            "POST",
            "/v1/apps/demo/messages:batch",
            "demo-key",
            "application/json",
            "{\"messages\":[]}")
        .assertProblem(400, "too_many_messages");
  }

  @Test
  void callsAreCountedWithTheHttpTransport() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PushgateMeters.get(testKit.system()).add(registry);
    Function<String, Double> count =
        outcome -> {
          var c =
              registry
                  .find("pushgate.api.calls")
                  .tags("transport", "http", "operation", "send", "outcome", outcome)
                  .counter();
          return c == null ? 0.0 : c.count();
        };
    double ok = count.apply("ok");
    double invalid = count.apply("invalid_ttl");
    assertEquals(
        202,
        api.post("/v1/apps/demo/messages", "{\"to\":[\"" + freshUser() + "\"],\"data\":1}")
            .status());
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"ttl\":0,\"data\":1}")
        .assertProblem(400, "invalid_ttl");
    assertEquals(ok + 1, count.apply("ok"));
    assertEquals(invalid + 1, count.apply("invalid_ttl"));
  }

  @Test
  void qos1MessageIsQueuedForEveryDistinctRecipientWith202() {
    String alice = freshUser();
    String bob = freshUser();
    Reply reply =
        api.post(
            "/v1/apps/demo/messages",
            "{\"to\":[\""
                + alice
                + "\",\""
                + bob
                + "\",\""
                + alice
                + "\"],\"qos\":1,\"ttl\":3600,\"data\":{\"n\":1}}");
    assertEquals(202, reply.status());
    assertEquals("application/json", reply.contentType());
    String id = reply.json().path("id").asText();
    assertEquals(id, UUID.fromString(id).toString());
    JsonNode recipients = reply.json().path("recipients");
    assertEquals(2, recipients.size());
    assertEquals(alice, recipients.get(0).path("user").asText());
    assertEquals(bob, recipients.get(1).path("user").asText());
    for (JsonNode r : recipients) {
      assertEquals("queued", r.path("status").asText());
      assertEquals(1, r.path("seq").asLong());
    }
    // a second message gets the next seq
    Reply second = api.post("/v1/apps/demo/messages", "{\"to\":[\"" + alice + "\"],\"data\":2}");
    assertEquals(202, second.status());
    assertEquals(2, second.json().path("recipients").get(0).path("seq").asLong());
    assertFalse(id.equals(second.json().path("id").asText()));
  }

  @Test
  void queuedMessageIsPendingInTheSession() {
    String carol = freshUser();
    assertEquals(
        202,
        api.post("/v1/apps/demo/messages", "{\"to\":[\"" + carol + "\"],\"data\":\"hi\"}")
            .status());

    Reply status = api.get("/v1/apps/demo/users/" + carol);
    assertEquals(200, status.status());
    assertEquals("application/json", status.contentType());
    JsonNode s = status.json();
    assertEquals("demo", s.path("app").asText());
    assertEquals(carol, s.path("user").asText());
    assertFalse(s.path("online").asBoolean());
    assertEquals(0, s.path("connections").size());
    assertEquals(1, s.path("pending").asInt());
    assertEquals(1, s.path("lastSeq").asLong());
    assertEquals(0, s.path("ackedSeq").asLong());
  }

  @Test
  void qos0ToOfflineUserIsAcceptedAsOffline() {
    String dave = freshUser();
    Reply reply =
        api.post("/v1/apps/demo/messages", "{\"to\":[\"" + dave + "\"],\"qos\":0,\"data\":{}}");
    assertEquals(202, reply.status());
    JsonNode r = reply.json().path("recipients").get(0);
    assertEquals("offline", r.path("status").asText());
    assertTrue(r.path("seq").isMissingNode(), "no seq for QoS 0");
    assertEquals(0, api.get("/v1/apps/demo/users/" + dave).json().path("pending").asInt());
  }

  @Test
  void connectedUserGetsQos0AndShowsInStatusAndCanBeKicked() {
    String erin = freshUser();
    TestProbe<ConnectionMessage> connection = testKit.createTestProbe();
    long since = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();
    sessions
        .session(new SessionId("demo", erin))
        .tell(
            new SessionCommand.Attach(
                new ConnectionInfo("conn-1", "node-a", "websocket", since), 8, connection.ref()));
    connection.expectMessageClass(ConnectionMessage.Attached.class, Duration.ofSeconds(30));

    JsonNode status = api.get("/v1/apps/demo/users/" + erin).json();
    assertTrue(status.path("online").asBoolean());
    JsonNode conn = status.path("connections").get(0);
    assertEquals("conn-1", conn.path("id").asText());
    assertEquals("node-a", conn.path("node").asText());
    assertEquals("websocket", conn.path("transport").asText());
    assertEquals("2026-01-02T03:04:05Z", conn.path("since").asText());

    Reply sent =
        api.post("/v1/apps/demo/messages", "{\"to\":[\"" + erin + "\"],\"qos\":0,\"data\":[1,2]}");
    assertEquals(202, sent.status());
    assertEquals("delivered", sent.json().path("recipients").get(0).path("status").asText());
    ConnectionMessage.Push push =
        connection.expectMessageClass(ConnectionMessage.Push.class, Duration.ofSeconds(30));
    assertEquals(
        new ConnectionMessage.Push(sent.json().path("id").asText(), 0, 0, "[1,2]"),
        new ConnectionMessage.Push(push.id(), push.qos(), push.seq(), push.data()));
    assertTrue(push.acceptedAtMillis() > 0, "carries its accept time");

    Reply kicked = api.delete("/v1/apps/demo/users/" + erin + "/connections");
    assertEquals(200, kicked.status());
    assertEquals(1, kicked.json().path("closed").asInt());
    assertEquals(
        new ConnectionMessage.Disconnect(DisconnectReason.KICKED),
        connection.expectMessageClass(ConnectionMessage.Disconnect.class, Duration.ofSeconds(30)));
    assertFalse(api.get("/v1/apps/demo/users/" + erin).json().path("online").asBoolean());
  }

  @Test
  void kickWithoutConnectionClosesNothing() {
    Reply reply = api.delete("/v1/apps/demo/users/" + freshUser() + "/connections");
    assertEquals(200, reply.status());
    assertEquals(0, reply.json().path("closed").asInt());
  }

  @Test
  void jsonContentTypeWithCharsetAndPlusJsonAreAccepted() {
    String user = freshUser();
    String body = "{\"to\":[\"" + user + "\"],\"data\":1}";
    assertEquals(
        202,
        api.call(
                "POST",
                "/v1/apps/demo/messages",
                "demo-key",
                "application/json; charset=utf-8",
                body)
            .status());
    assertEquals(
        202,
        api.call(
                "POST", "/v1/apps/demo/messages", "demo-key", "application/vnd.pushgate+json", body)
            .status());
  }

  // ---------------------------------------------------------------- tokens

  @Test
  void mintedTokenVerifiesWithTheAppSecret() {
    Instant before = Instant.now();
    Reply reply = api.post("/v1/apps/demo/tokens", "{\"user\":\"alice\",\"ttl\":120}");
    assertEquals(201, reply.status());
    assertEquals("application/json", reply.contentType());
    String token = reply.json().path("token").asText();
    DecodedJWT jwt = JWT.require(Algorithm.HMAC256(SECRET)).build().verify(token);
    assertEquals("alice", jwt.getSubject());
    assertEquals(
        Instant.parse(reply.json().path("expiresAt").asText()), jwt.getExpiresAtAsInstant());
    Duration lifetime = Duration.between(before, jwt.getExpiresAtAsInstant());
    assertTrue(
        lifetime.compareTo(Duration.ofSeconds(118)) >= 0
            && lifetime.compareTo(Duration.ofSeconds(125)) <= 0,
        lifetime::toString);
  }

  @Test
  void tokenTtlDefaultsToOneHour() {
    Instant before = Instant.now();
    Reply reply = api.post("/v1/apps/demo/tokens", "{\"user\":\"bob\"}");
    assertEquals(201, reply.status());
    Duration lifetime =
        Duration.between(before, Instant.parse(reply.json().path("expiresAt").asText()));
    assertTrue(
        lifetime.compareTo(Duration.ofSeconds(3598)) >= 0
            && lifetime.compareTo(Duration.ofSeconds(3605)) <= 0,
        lifetime::toString);
  }

  @Test
  void tokenOfOneAppDoesNotVerifyWithAnothersSecret() {
    ApiTestClient other = api.withKey(OTHER.apiKey());
    String token =
        other.post("/v1/apps/other/tokens", "{\"user\":\"alice\"}").json().path("token").asText();
    assertThrows(
        SignatureVerificationException.class,
        () -> JWT.require(Algorithm.HMAC256(SECRET)).build().verify(token));
  }

  // ---------------------------------------------------------------- errors

  @Test
  void unknownRouteIsNotFound() {
    api.get("/nope").assertProblem(404, "not_found");
    api.get("/v1/apps/demo").assertProblem(404, "not_found");
    api.get("/v1/apps/demo/messages/extra").assertProblem(404, "not_found");
  }

  @Test
  void sendPathsOffTheDirectPathGetTheRoutesAnswers() {
    String body = "{\"to\":[\"a\"],\"data\":1}";
    api.post("/v1/apps/demo/messages/", body).assertProblem(404, "not_found");
    api.post("/v1/apps//demo/messages", body).assertProblem(404, "not_found");
    api.post("/v1/apps/demo//messages", body).assertProblem(404, "not_found");
    api.post("/v2/apps/demo/messages", body).assertProblem(404, "not_found");
    api.post("/v1/apps/nope/messages:batch", "{\"messages\":[]}").assertProblem(404, "unknown_app");
    assertEquals(
        202, api.post("/v1/apps/d%65mo/messages", body).status()); // decoded, as the route does
  }

  @Test
  void wrongMethodIsMethodNotAllowedWithAllow() {
    Reply reply = api.get("/v1/apps/demo/messages").assertProblem(405, "method_not_allowed");
    assertEquals("POST", reply.header("Allow").orElseThrow());
    Reply users =
        api.call("PUT", "/v1/apps/demo/users/alice", "demo-key", null, null)
            .assertProblem(405, "method_not_allowed");
    assertEquals("GET", users.header("Allow").orElseThrow());
    // a method HTTP does not know is 501 (RFC 9110), answered by the server before any route
    Reply brew =
        api.call("BREW", "/v1/apps/demo/messages", "demo-key", null, null)
            .assertProblem(501, "method_not_implemented");
    assertEquals("DELETE, GET, HEAD, POST, PUT", brew.header("Allow").orElseThrow());
  }

  @Test
  void wrongContentTypeIsUnsupportedMediaType() {
    String body = "{\"to\":[\"a\"],\"data\":1}";
    api.call("POST", "/v1/apps/demo/messages", "demo-key", "text/plain", body)
        .assertProblem(415, "unsupported_media_type");
    api.call("POST", "/v1/apps/demo/messages", "demo-key", null, body)
        .assertProblem(415, "unsupported_media_type");
    api.call("POST", "/v1/apps/demo/messages", "demo-key", "not a type", body)
        .assertProblem(415, "unsupported_media_type");
    api.call(
            "POST",
            "/v1/apps/demo/tokens",
            "demo-key",
            "application/x-www-form-urlencoded",
            "user=a")
        .assertProblem(415, "unsupported_media_type");
  }

  @Test
  void malformedJsonIsBadRequest() {
    api.post("/v1/apps/demo/messages", "{\"to\":[").assertProblem(400, "malformed_json");
    api.post("/v1/apps/demo/messages", "").assertProblem(400, "malformed_json");
    api.post("/v1/apps/demo/tokens", "{user:alice}").assertProblem(400, "malformed_json");
  }

  @Test
  void invalidFieldsNameTheField() {
    assertEquals(
        "to",
        api.post("/v1/apps/demo/messages", "{\"data\":1}")
            .assertProblem(400, "invalid_field")
            .json()
            .path("field")
            .asText());
    assertEquals(
        "extra",
        api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"data\":1,\"extra\":true}")
            .assertProblem(400, "invalid_field")
            .json()
            .path("field")
            .asText());
    assertEquals(
        "to[1]",
        api.post("/v1/apps/demo/messages", "{\"to\":[\"a\",\"b/c\"],\"data\":1}")
            .assertProblem(400, "invalid_user")
            .json()
            .path("field")
            .asText());
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"ttl\":0,\"data\":1}")
        .assertProblem(400, "invalid_ttl");
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"ttl\":2592001,\"data\":1}")
        .assertProblem(400, "invalid_ttl");
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"qos\":2,\"data\":1}")
        .assertProblem(400, "invalid_qos");
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"]}").assertProblem(400, "missing_data");
    api.post("/v1/apps/demo/tokens", "{\"ttl\":60}").assertProblem(400, "invalid_user");
    api.post("/v1/apps/demo/tokens", "{\"user\":\"a\",\"ttl\":604801}")
        .assertProblem(400, "invalid_ttl");
    api.get("/v1/apps/demo/users/a%2Fb").assertProblem(400, "invalid_user");
    api.delete("/v1/apps/demo/users/a:b/connections").assertProblem(400, "invalid_user");
  }

  @Test
  void tooManyRecipientsIsRefused() {
    String to =
        IntStream.rangeClosed(0, 1000)
            .mapToObj(i -> "\"u" + i + "\"")
            .collect(Collectors.joining(","));
    api.post("/v1/apps/demo/messages", "{\"to\":[" + to + "],\"data\":1}")
        .assertProblem(400, "too_many_recipients");
  }

  @Test
  void payloadTooLargeIs413() {
    String data = "\"" + "x".repeat(4095) + "\""; // 4097 bytes as JSON
    api.post("/v1/apps/demo/messages", "{\"to\":[\"a\"],\"data\":" + data + "}")
        .assertProblem(413, "payload_too_large");
  }

  @Test
  void unknownAppIsNotFound() {
    api.post("/v1/apps/nope/messages", "{\"to\":[\"a\"],\"data\":1}")
        .assertProblem(404, "unknown_app");
    api.get("/v1/apps/nope/users/a").assertProblem(404, "unknown_app");
  }

  @Test
  void missingOrWrongKeyIsUnauthorizedWithChallenge() {
    String body = "{\"to\":[\"a\"],\"data\":1}";
    List<Reply> replies =
        List.of(
            api.call("POST", "/v1/apps/demo/messages", null, "application/json", body),
            api.call("POST", "/v1/apps/demo/messages", "wrong-key", "application/json", body),
            api.call(
                "POST", "/v1/apps/demo/messages", "Basic ZGVtby1rZXk=", "application/json", body),
            api.call("POST", "/v1/apps/demo/messages", "other-key", "application/json", body),
            api.call("GET", "/v1/apps/demo/users/a", null, null, null),
            api.call("DELETE", "/v1/apps/demo/users/a/connections", "wrong", null, null),
            api.call("POST", "/v1/apps/demo/tokens", null, "application/json", "{\"user\":\"a\"}"));
    for (Reply reply : replies) {
      reply.assertProblem(401, "unauthorized");
      assertTrue(
          reply.header("WWW-Authenticate").orElseThrow().startsWith("Bearer"), reply::toString);
    }
  }

  @Test
  void unparsableUriIsBadRequest() {
    api.get("/v1/apps/demo/users/%zz").assertProblem(400, "bad_request");
  }

  @Test
  void successResponsesCarryNoProblemHeaders() {
    Reply reply = api.get("/v1/apps/demo/users/" + freshUser());
    assertEquals(200, reply.status());
    assertNull(reply.header("WWW-Authenticate").orElse(null));
  }
}
