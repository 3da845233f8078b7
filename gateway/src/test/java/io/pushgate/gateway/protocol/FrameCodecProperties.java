package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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

  /** Objects with a known or unknown {@code t} and known fields holding any kind of JSON value. */
  @Provide
  Arbitrary<String> frameShaped() {
    Arbitrary<String> type = Arbitraries.oneOf(
        Arbitraries.of("hello", "ack", "ping", "sub", "unsub", "bind", "unbind").map(FrameCodecProperties::quote),
        jsonValue());
    Arbitrary<String> field = Arbitraries.of("app", "token", "hb", "seq", "bseq", "topic", "since", "epoch", "x");
    Arbitrary<String> member = Combinators.combine(field, jsonValue()).as((k, v) -> quote(k) + ":" + v);
    return Combinators.combine(type, member.list().ofMaxSize(6))
        .as((t, members) -> "{\"t\":" + t + (members.isEmpty() ? "" : "," + String.join(",", members)) + "}");
  }

  private static Arbitrary<String> jsonValue() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(40).map(FrameCodecProperties::quote),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.of("1e400", "-1e400", "99999999999999999999999999", "-0", "0.5", "1E3", "null", "true", "false",
            "[]", "{}", "[1,2]", "{\"a\":{}}", "\"\"", "\"\\u0000\"", "NaN"),
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
