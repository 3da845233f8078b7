package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The frame decoder on any input: it never throws, and answers every input with a frame or one of
 * the documented error codes (fuzz, issue 14).
 */
class FrameCodecProperties {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CBORMapper CBOR = new CBORMapper();

  @Property
  void anyTextIsAFrameOrADocumentedError(@ForAll String text) {
    assertNotNull(FrameCodec.parse(text));
  }

  @Property
  void anyFrameShapedObjectIsAFrameOrADocumentedError(@ForAll("frameShaped") String json) {
    ParseResult result = FrameCodec.parse(json);
    if (result instanceof ParseResult.Invalid invalid) assertNotNull(invalid.code());
  }

  @Property(tries = 20)
  void deepNestingIsABadFrameNotACrash(@ForAll @IntRange(min = 500, max = 4000) int depth) {
    String json = "{\"t\":\"ack\",\"seq\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    ParseResult result = FrameCodec.parse(json);
    assertEquals(ClientErrorCode.BAD_FRAME, ((ParseResult.Invalid) result).code());
  }

  /** The streaming ack reader answers what the tree parse answers, or leaves the frame to it. */
  @Property(tries = 2000)
  void plainAcksReadAsTheTreeReadsThem(@ForAll("ackShaped") String json) throws Exception {
    ParseResult plain = PlainAck.read(JSON.getFactory(), json);
    if (plain == null) return; // left to the tree parse
    assertEquals(FrameCodec.parse(JSON.readTree(json), false), plain, json);
    byte[] cbor = CBOR.writeValueAsBytes(JSON.readTree(json));
    assertEquals(plain, PlainAck.read(CBOR.getFactory(), cbor), json);
  }

  @Property(tries = 200)
  void wellFormedAcksTakeTheStreamingPath(
      @ForAll @IntRange(min = 0) int seq, @ForAll @IntRange(min = 0) int bseq) {
    String json = "{\"t\":\"ack\",\"seq\":" + seq + ",\"bseq\":" + bseq + ",\"app\":\"a\"}";
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(seq, bseq, "a")),
        PlainAck.read(JSON.getFactory(), json));
  }

  /**
   * The parser-free reader answers what the streaming reader answers, or leaves the frame to it.
   */
  @Property(tries = 3000)
  void acksInTheClientsShapeReadAsTheStreamingReaderReadsThem(@ForAll("clientShaped") String json)
      throws Exception {
    ParseResult text = AckText.match(json);
    if (text == null) return;
    assertEquals(PlainAck.read(JSON.getFactory(), json), text, json);
    assertEquals(FrameCodec.parse(JSON.readTree(json), false), text, json);
  }

  @Property(tries = 200)
  void theClientLibrariesAcksTakeTheParserFreePath(
      @ForAll @IntRange(min = 0) int seq, @ForAll @IntRange(min = 0) int bseq) {
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(seq, 0, null)),
        AckText.match("{\"t\":\"ack\",\"seq\":" + seq + "}"));
    assertEquals(
        new ParseResult.Ok(new ClientFrame.Ack(0, bseq, "demo")),
        AckText.match("{\"t\":\"ack\",\"bseq\":" + bseq + ",\"app\":\"demo\"}"));
  }

  /**
   * Near the clients' shape: {@code {"t":"ack"} first, then members with counters of every size
   * (leading zeros, 19+ digits, fractions, signs), app ids with odd characters, duplicates,
   * whitespace, and a closing brace or not.
   */
  @Provide
  Arbitrary<String> clientShaped() {
    Arbitrary<String> counter =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
            Arbitraries.integers().between(0, 1000).map(String::valueOf),
            Arbitraries.of(
                "0",
                "00",
                "01",
                "-1",
                "1.5",
                "1e3",
                "999999999999999999",
                "1000000000000000000",
                "99999999999999999999",
                "\"5\"",
                "null"));
    Arbitrary<String> app =
        Arbitraries.oneOf(
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars('-', '_', '.', ':')
                    .ofMaxLength(12),
                Arbitraries.strings().ofMaxLength(8))
            .map(FrameCodecProperties::quote);
    Arbitrary<String> member =
        Arbitraries.oneOf(
            counter.map(v -> "\"seq\":" + v),
            counter.map(v -> "\"bseq\":" + v),
            app.map(v -> "\"app\":" + v),
            Arbitraries.of("\"x\":1", "\"t\":\"ack\"", " \"seq\":1", "\"seq\" :1"));
    return Combinators.combine(
            member.list().ofMaxSize(4), Arbitraries.of("}", "}", "}", " }", "", "}}"))
        .as(
            (members, end) ->
                "{\"t\":\"ack\""
                    + members.stream().map(m -> "," + m).reduce("", String::concat)
                    + end);
  }

  /** Acks, mostly: {@code t} first or later, counters of every kind, unknown and nested fields. */
  @Provide
  Arbitrary<String> ackShaped() {
    Arbitrary<String> field = Arbitraries.of("t", "seq", "bseq", "app", "x");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            jsonValue(),
            Arbitraries.of("\"ack\"", "\"ack\"", "\"ping\""),
            Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf));
    Arbitrary<String> member = Combinators.combine(field, value).as((k, v) -> quote(k) + ":" + v);
    return member
        .list()
        .ofMaxSize(5)
        .map(members -> "{" + String.join(",", members) + "}")
        .map(body -> body.equals("{}") ? "{\"t\":\"ack\",\"seq\":1}" : body);
  }

  /** Objects with a known or unknown {@code t} and known fields holding any kind of JSON value. */
  @Provide
  Arbitrary<String> frameShaped() {
    Arbitrary<String> type =
        Arbitraries.oneOf(
            Arbitraries.of("hello", "ack", "ping", "sub", "unsub", "bind", "unbind")
                .map(FrameCodecProperties::quote),
            jsonValue());
    Arbitrary<String> field =
        Arbitraries.of("app", "token", "hb", "seq", "bseq", "topic", "since", "epoch", "x");
    Arbitrary<String> member =
        Combinators.combine(field, jsonValue()).as((k, v) -> quote(k) + ":" + v);
    return Combinators.combine(type, member.list().ofMaxSize(6))
        .as(
            (t, members) ->
                "{\"t\":" + t + (members.isEmpty() ? "" : "," + String.join(",", members)) + "}");
  }

  private static Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40).map(FrameCodecProperties::quote),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.of(
            "1e400",
            "-1e400",
            "99999999999999999999999999",
            "-0",
            "0.5",
            "1E3",
            "null",
            "true",
            "false",
            "[]",
            "{}",
            "[1,2]",
            "{\"a\":{}}",
            "\"\"",
            "\"\\u0000\"",
            "NaN"),
        Arbitraries.integers().between(-5, 5).map(String::valueOf));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
