package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parsesHelloWithAndWithoutHeartbeat() {
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Hello("demo", "tok", 30)),
        FrameCodec.parse("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"tok\",\"hb\":30}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Hello("demo", "tok", null)),
        FrameCodec.parse("{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"tok\",\"extra\":[1,2]}"));
  }

  @Test
  void parsesAckAndPing() {
    assertEquals(new ParseResult.Ok(new ClientFrame.Ack(17, 0)), FrameCodec.parse("{\"t\":\"ack\",\"seq\":17}"));
    assertEquals(new ParseResult.Ok(new ClientFrame.Ping()), FrameCodec.parse("{\"t\":\"ping\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"t\":\"ping\"",
        "[1,2]",
        "42",
        "",
        "{}",
        "{\"t\":7}",
        "{\"t\":\"hello\",\"token\":\"x\"}",
        "{\"t\":\"hello\",\"app\":\"demo\"}",
        "{\"t\":\"hello\",\"app\":\"demo\",\"token\":5}",
        "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"x\",\"hb\":\"30\"}",
        "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"x\",\"hb\":1.5}",
        "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\"x\",\"hb\":99999999999}",
        "{\"t\":\"ack\"}",
        "{\"t\":\"ack\",\"seq\":-1}",
        "{\"t\":\"ack\",\"seq\":\"3\"}",
        "{\"t\":\"ack\",\"seq\":1e400}"
      })
  void malformedFramesAreBadFrame(String text) {
    ParseResult.Invalid invalid = assertInstanceOf(ParseResult.Invalid.class, FrameCodec.parse(text));
    assertEquals(ClientErrorCode.BAD_FRAME, invalid.code());
  }

  @Test
  void unknownTypeIsReportedWithAShortEcho() {
    ParseResult.Invalid invalid =
        assertInstanceOf(ParseResult.Invalid.class, FrameCodec.parse("{\"t\":\"" + "x".repeat(500) + "\"}"));
    assertEquals(ClientErrorCode.UNKNOWN_TYPE, invalid.code());
    assertTrue(invalid.message().length() < 100, invalid.message());
  }

  @Test
  void encodesWelcomePongAndError() throws Exception {
    JsonNode welcome = JSON.readTree(FrameCodec.welcome("demo:alice", 30, 3));
    assertEquals("welcome", welcome.get("t").asText());
    assertEquals("demo:alice", welcome.get("session").asText());
    assertEquals(30, welcome.get("hb").asInt());
    assertEquals(3, welcome.get("pending").asInt());
    assertEquals("{\"t\":\"pong\"}", FrameCodec.pong());
    JsonNode error = JSON.readTree(FrameCodec.error(ClientErrorCode.BAD_FRAME, "a \"quoted\"\nmessage"));
    assertEquals("bad_frame", error.get("code").asText());
    assertEquals("a \"quoted\"\nmessage", error.get("message").asText());
  }

  @Test
  void pushSplicesDataVerbatimAndOmitsSeqForQos0() throws Exception {
    JsonNode qos1 = JSON.readTree(FrameCodec.push("m\"1", 1, 17, "{\"a\":[1,{\"b\":null}]}"));
    assertEquals("push", qos1.get("t").asText());
    assertEquals("m\"1", qos1.get("id").asText());
    assertEquals(1, qos1.get("qos").asInt());
    assertEquals(17, qos1.get("seq").asLong());
    assertEquals(JSON.readTree("{\"a\":[1,{\"b\":null}]}"), qos1.get("data"));

    JsonNode qos0 = JSON.readTree(FrameCodec.push("m2", 0, 0, "\"text\""));
    assertEquals(0, qos0.get("qos").asInt());
    assertTrue(qos0.get("seq") == null);
    assertEquals("text", qos0.get("data").asText());
  }
}
