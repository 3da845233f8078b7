package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pushgate.fanout.LivePush;
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
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(17, 0)),
        FrameCodec.parse("{\"t\":\"ack\",\"seq\":17}"));
    assertEquals(new ParseResult.Ok(new ClientFrame.Ping()), FrameCodec.parse("{\"t\":\"ping\"}"));
  }

  @Test
  void parsesBroadcastAcksSubscriptionsAndRefusesBadOnes() {
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(0, 4)),
        FrameCodec.parse("{\"t\":\"ack\",\"bseq\":4}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(2, 4)),
        FrameCodec.parse("{\"t\":\"ack\",\"seq\":2,\"bseq\":4}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Sub("a.b", null, null)),
        FrameCodec.parse("{\"t\":\"sub\",\"topic\":\"a.b\"}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Sub("a.b", 12L, "e1")),
        FrameCodec.parse("{\"t\":\"sub\",\"topic\":\"a.b\",\"since\":12,\"epoch\":\"e1\"}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Unsub("a.b")),
        FrameCodec.parse("{\"t\":\"unsub\",\"topic\":\"a.b\"}"));
    for (String bad :
        new String[] {
          "{\"t\":\"ack\"}",
          "{\"t\":\"ack\",\"bseq\":-1}",
          "{\"t\":\"sub\"}",
          "{\"t\":\"sub\",\"topic\":1}",
          "{\"t\":\"sub\",\"topic\":\"a\",\"since\":\"x\"}",
          "{\"t\":\"unsub\"}"
        }) {
      assertEquals(
          ClientErrorCode.BAD_FRAME, ((ParseResult.Invalid) FrameCodec.parse(bad)).code(), bad);
    }
  }

  @Test
  void parsesUpFramesAndRefusesBadOnes() throws Exception {
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Up("c-17", "chat", "{\"text\":\"hi\"}", null)),
        FrameCodec.parse(
            "{\"t\":\"up\",\"id\":\"c-17\",\"type\":\"chat\",\"data\":{ \"text\" : \"hi\" }}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Up("1", "log.v2", "null", "news")),
        FrameCodec.parse("{\"t\":\"up\",\"id\":\"1\",\"type\":\"log.v2\",\"app\":\"news\"}"));
    for (String bad :
        new String[] {
          "{\"t\":\"up\",\"type\":\"chat\"}",
          "{\"t\":\"up\",\"id\":\"\",\"type\":\"chat\"}",
          "{\"t\":\"up\",\"id\":\"" + "x".repeat(65) + "\",\"type\":\"chat\"}",
          "{\"t\":\"up\",\"id\":\"a\"}",
          "{\"t\":\"up\",\"id\":\"a\",\"type\":\"a b\"}",
          "{\"t\":\"up\",\"id\":\"a\",\"type\":\"chat\",\"app\":3}"
        }) {
      assertEquals(
          ClientErrorCode.BAD_FRAME, ((ParseResult.Invalid) FrameCodec.parse(bad)).code(), bad);
    }
    JsonNode ack = JSON.readTree(FrameCodec.upack("c-\"1", "m-9", null, null));
    assertEquals("upack", ack.path("t").asText());
    assertEquals("c-\"1", ack.path("id").asText());
    assertEquals("ok", ack.path("status").asText());
    assertEquals("m-9", ack.path("reply").asText());
    JsonNode error =
        JSON.readTree(
            FrameCodec.upError(ClientErrorCode.UPSTREAM_REJECTED, "no", "c-2", 422, "news"));
    assertEquals("upstream_rejected", error.path("code").asText());
    assertEquals(422, error.path("status").asInt());
    assertEquals("news", error.path("app").asText());
  }

  @Test
  void broadcastPushesCarryBseqAndLivePushesTheirAppTopicAndOffset() {
    assertEquals(
        "{\"t\":\"push\",\"id\":\"b-1\",\"qos\":1,\"bseq\":3,\"data\":{}}",
        FrameCodec.push("b-1", 1, 0, 3, "{}"));
    assertEquals(
        "{\"t\":\"push\",\"id\":\"t-1\",\"qos\":0,\"app\":\"demo\",\"topic\":\"a.b\",\"offset\":5,\"epoch\":\"e\",\"data\":1}",
        FrameCodec.live(new LivePush("demo", "a.b", "t-1", "1", 5, "e")));
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
    ParseResult.Invalid invalid =
        assertInstanceOf(ParseResult.Invalid.class, FrameCodec.parse(text));
    assertEquals(ClientErrorCode.BAD_FRAME, invalid.code());
  }

  @Test
  void unknownTypeIsReportedWithAShortEcho() {
    ParseResult.Invalid invalid =
        assertInstanceOf(
            ParseResult.Invalid.class, FrameCodec.parse("{\"t\":\"" + "x".repeat(500) + "\"}"));
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
    JsonNode error =
        JSON.readTree(FrameCodec.error(ClientErrorCode.BAD_FRAME, "a \"quoted\"\nmessage"));
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
