package io.pushgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.pushgate.api.dto.SendMessageRequest;
import io.pushgate.api.dto.TokenRequest;
import io.pushgate.model.AppLimits;
import io.pushgate.model.Qos;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure validation tests: no actor system. */
class RequestParserTest {

  private final RequestParser parser = new RequestParser(ApiTestSettings.defaults());

  private SendMessageRequest message(String json) {
    return parser.parseMessage(json.getBytes(StandardCharsets.UTF_8), AppLimits.DEFAULTS);
  }

  private ApiProblem messageProblem(String json) {
    return assertThrows(ApiProblem.class, () -> message(json));
  }

  @Test
  void referenceConfDefaultsMatchTheDocumentedOnes() {
    assertEquals(ApiTestSettings.defaults(), ApiSettings.fromConfig(ConfigFactory.load()));
  }

  @Test
  void minimalMessageGetsDefaults() {
    SendMessageRequest r = message("{\"to\":[\"alice\"],\"data\":{\"text\":\"hi\"}}");
    assertEquals(List.of("alice"), r.to());
    assertEquals(Qos.AT_LEAST_ONCE, r.qos());
    assertEquals(Duration.ofHours(24), r.ttl());
    assertEquals("{\"text\":\"hi\"}", r.data());
  }

  @Test
  void explicitFieldsAreUsedAndDuplicatesRemovedInOrder() {
    SendMessageRequest r =
        message("{\"to\":[\"bob\",\"alice\",\"bob\"],\"qos\":0,\"ttl\":60,\"data\":\"x\"}");
    assertEquals(List.of("bob", "alice"), r.to());
    assertEquals(Qos.AT_MOST_ONCE, r.qos());
    assertEquals(Duration.ofSeconds(60), r.ttl());
    assertEquals("\"x\"", r.data());
  }

  @Test
  void dataIsCompactedWithNumbersKeptExactly() {
    SendMessageRequest r =
        message(
            "{\"to\":[\"a\"], \"data\": { \"a\" : 1.0, \"b\": 0.1, \"c\": 12345678901234567890123, \"d\": [ true, null ] } }");
    assertEquals("{\"a\":1.0,\"b\":0.1,\"c\":12345678901234567890123,\"d\":[true,null]}", r.data());
  }

  @Test
  void anyJsonValueIsAcceptedAsData() {
    assertEquals("42", message("{\"to\":[\"a\"],\"data\":42}").data());
    assertEquals("[]", message("{\"to\":[\"a\"],\"data\":[]}").data());
    assertEquals("false", message("{\"to\":[\"a\"],\"data\":false}").data());
  }

  @Test
  void payloadLimitCountsUtf8BytesOfTheCompactForm() {
    // "é" is 2 bytes: a string of 2046 of them plus the quotes is 4094 bytes
    String fits = "\"" + "é".repeat(2046) + "\"";
    assertEquals(
        4094,
        message("{\"to\":[\"a\"],\"data\":" + fits + "}")
            .data()
            .getBytes(StandardCharsets.UTF_8)
            .length);
    String tooBig = "\"" + "é".repeat(2048) + "\""; // 4098 bytes
    ApiProblem p = messageProblem("{\"to\":[\"a\"],\"data\":" + tooBig + "}");
    assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, p.code());
    assertEquals("data", p.field());
    // whitespace does not count
    String spaced = "[" + " ".repeat(5000) + "1]";
    assertEquals("[1]", message("{\"to\":[\"a\"],\"data\":" + spaced + "}").data());
  }

  @Test
  void recipientLimitIsEnforcedAndTheLimitItselfIsAllowed() {
    String thousand =
        IntStream.range(0, 1000).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
    assertEquals(1000, message("{\"to\":[" + thousand + "],\"data\":1}").to().size());
    ApiProblem p = messageProblem("{\"to\":[" + thousand + ",\"x\"],\"data\":1}");
    assertEquals(ErrorCode.TOO_MANY_RECIPIENTS, p.code());
    assertEquals("to", p.field());
  }

  @Test
  void ttlBoundsAreInclusive() {
    assertEquals(Duration.ofSeconds(1), message("{\"to\":[\"a\"],\"ttl\":1,\"data\":1}").ttl());
    assertEquals(Duration.ofDays(30), message("{\"to\":[\"a\"],\"ttl\":2592000,\"data\":1}").ttl());
    assertEquals(
        ErrorCode.INVALID_TTL,
        messageProblem("{\"to\":[\"a\"],\"ttl\":2592001,\"data\":1}").code());
  }

  @ParameterizedTest(name = "{0} -> {1} ({2})")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                           | MALFORMED_JSON      | ",
        "'{'                                          | MALFORMED_JSON      | ",
        "'{\"to\":[\"a\"],\"data\":1} x'              | MALFORMED_JSON      | ",
        "'{\"to\":[\"a\"],\"data\":1,\"data\":2}'     | MALFORMED_JSON      | ",
        "'[1]'                                        | INVALID_FIELD       | (body)",
        "'\"text\"'                                   | INVALID_FIELD       | (body)",
        "'{\"to\":[\"a\"],\"data\":1,\"tll\":5}'      | INVALID_FIELD       | tll",
        "'{\"data\":1}'                               | INVALID_FIELD       | to",
        "'{\"to\":null,\"data\":1}'                   | INVALID_FIELD       | to",
        "'{\"to\":\"alice\",\"data\":1}'              | INVALID_FIELD       | to",
        "'{\"to\":[],\"data\":1}'                     | INVALID_FIELD       | to",
        "'{\"to\":[\"ok\",\"a/b\"],\"data\":1}'       | INVALID_USER        | to[1]",
        "'{\"to\":[\"a:b\"],\"data\":1}'              | INVALID_USER        | to[0]",
        "'{\"to\":[\"\"],\"data\":1}'                 | INVALID_USER        | to[0]",
        "'{\"to\":[7],\"data\":1}'                    | INVALID_USER        | to[0]",
        "'{\"to\":[\"a\"],\"qos\":2,\"data\":1}'      | INVALID_QOS         | qos",
        "'{\"to\":[\"a\"],\"qos\":-1,\"data\":1}'     | INVALID_QOS         | qos",
        "'{\"to\":[\"a\"],\"qos\":\"1\",\"data\":1}'  | INVALID_QOS         | qos",
        "'{\"to\":[\"a\"],\"qos\":1.5,\"data\":1}'    | INVALID_QOS         | qos",
        "'{\"to\":[\"a\"],\"ttl\":0,\"data\":1}'      | INVALID_TTL         | ttl",
        "'{\"to\":[\"a\"],\"ttl\":-5,\"data\":1}'     | INVALID_TTL         | ttl",
        "'{\"to\":[\"a\"],\"ttl\":1.5,\"data\":1}'    | INVALID_TTL         | ttl",
        "'{\"to\":[\"a\"],\"ttl\":\"60\",\"data\":1}' | INVALID_TTL         | ttl",
        "'{\"to\":[\"a\"],\"ttl\":99999999999999999999,\"data\":1}' | INVALID_TTL | ttl",
        "'{\"to\":[\"a\"]}'                           | MISSING_DATA        | data",
        "'{\"to\":[\"a\"],\"data\":null}'             | MISSING_DATA        | data",
      })
  void invalidMessageBodies(String json, ErrorCode code, String field) {
    ApiProblem p = messageProblem(json);
    assertEquals(code, p.code(), p::detail);
    assertEquals(field, p.field());
  }

  @Test
  void userIdLengthLimit() {
    assertEquals(
        List.of("u".repeat(128)),
        message("{\"to\":[\"" + "u".repeat(128) + "\"],\"data\":1}").to());
    assertEquals(
        ErrorCode.INVALID_USER,
        messageProblem("{\"to\":[\"" + "u".repeat(129) + "\"],\"data\":1}").code());
  }

  @Test
  void tokenRequestDefaultsAndLimits() {
    TokenRequest r = parser.parseToken("{\"user\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(new TokenRequest("alice", Duration.ofHours(1), List.of()), r);
    assertEquals(
        Duration.ofDays(7),
        parser
            .parseToken("{\"user\":\"a\",\"ttl\":604800}".getBytes(StandardCharsets.UTF_8))
            .ttl());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'nope'                              | MALFORMED_JSON",
        "'{}'                                | INVALID_USER",
        "'{\"user\":null}'                   | INVALID_USER",
        "'{\"user\":\"a b\"}'                | INVALID_USER",
        "'{\"user\":\"a\",\"ttl\":604801}'   | INVALID_TTL",
        "'{\"user\":\"a\",\"ttl\":0}'        | INVALID_TTL",
        "'{\"user\":\"a\",\"app\":\"x\"}'    | INVALID_FIELD",
      })
  void invalidTokenBodies(String json, ErrorCode code) {
    ApiProblem p =
        assertThrows(
            ApiProblem.class, () -> parser.parseToken(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals(code, p.code(), p::detail);
  }

  @Test
  void pathUserIsValidated() {
    assertEquals("alice@example.com", RequestParser.pathUser("alice@example.com"));
    assertEquals(
        ErrorCode.INVALID_USER,
        assertThrows(ApiProblem.class, () -> RequestParser.pathUser("a/b")).code());
  }
}
