package io.pushgate.gateway.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.pushgate.gateway.protocol.CborCodec;
import io.pushgate.gateway.protocol.ClientFrame;
import io.pushgate.gateway.protocol.ParseResult;
import java.util.HexFormat;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** The TCP wire format, byte for byte as docs/protocol.md shows it ("TCP transport"). */
class TcpFramesTest {

  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  @Test
  void aJsonPingFrameIsAsDocumented() {
    assertArrayEquals(
        hex("00 00 00 0d 01 7b 22 74 22 3a 22 70 69 6e 67 22 7d"),
        TcpFrames.json("{\"t\":\"ping\"}").toArray());
  }

  @Test
  void aCborPingFrameIsAsDocumented() {
    byte[] frame = hex("00 00 00 09 02 a1 61 74 64 70 69 6e 67");
    ByteString decoded = ByteString.fromArray(frame);
    assertEquals(TcpFrames.CBOR, TcpFrames.kind(decoded));
    ParseResult parsed = CborCodec.parse(TcpFrames.body(decoded));
    assertEquals(new ParseResult.Ok(new ClientFrame.Ping()), parsed);
    assertArrayEquals(hex("a1 61 74 64 70 69 6e 67"), CborCodec.fromJson("{\"t\":\"ping\"}"));
  }

  @Test
  void aCloseFrameCarriesCodeAndReason() {
    ByteString close = TcpFrames.close(4001, "heartbeat_timeout");
    assertArrayEquals(
        hex("00 00 00 14 03 0f a1 68 65 61 72 74 62 65 61 74 5f 74 69 6d 65 6f 75 74"),
        close.toArray());
    assertEquals(4001, TcpFrames.closeCode(close));
    assertEquals(-1, TcpFrames.closeCode(TcpFrames.close(-1, "")));
  }

  @Test
  void cborPushesKeepTheBackendJsonAsText() throws Exception {
    var cbor = new CBORMapper();
    var push = cbor.readTree(CborCodec.push("m1", 1, 7, 0, "{\"a\":[1,2]}", "demo"));
    assertEquals("push", push.get("t").asText());
    assertEquals(7, push.get("seq").asLong());
    assertEquals("demo", push.get("app").asText());
    assertEquals("{\"a\":[1,2]}", push.get("data").textValue());
    byte[] encoded = CborCodec.push("m1", 1, 7, 0, "{}", null);
    assertEquals(0xa5, encoded[0] & 0xff, "a definite-length map of 5 pairs");
  }
}
