package io.pushgate.gateway.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushgate.gateway.protocol.CloseCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Frames out of reads of any size: split, joined, and headers that can never become a frame. */
class TcpFrameReaderTest {

  private static final ByteString PING = TcpFrames.json("{\"t\":\"ping\"}");
  private static final ByteString ACK = TcpFrames.json("{\"t\":\"ack\",\"seq\":7}");

  private static List<ByteString> readAll(TcpFrameReader reader) throws TcpFrameReader.BadHeader {
    List<ByteString> frames = new ArrayList<>();
    for (ByteString f = reader.next(); f != null; f = reader.next()) frames.add(f);
    return frames;
  }

  @Test
  void framesSplitAcrossReadsOneByteAtATimeComeOutWhole() throws Exception {
    TcpFrameReader reader = new TcpFrameReader(1024);
    ByteString both = PING.concat(ACK);
    List<ByteString> frames = new ArrayList<>();
    for (int i = 0; i < both.length(); i++) {
      reader.append(both.slice(i, i + 1));
      frames.addAll(readAll(reader));
    }
    assertEquals(List.of(PING, ACK), frames);
  }

  @Test
  void severalFramesInOneReadComeOutInOrderAndNothingIsHeldAfter() throws Exception {
    TcpFrameReader reader = new TcpFrameReader(1024);
    reader.append(PING.concat(ACK).concat(PING));
    assertEquals(List.of(PING, ACK, PING), readAll(reader));
    reader.append(ACK.take(3));
    assertNull(reader.next(), "an incomplete header waits for more");
    reader.append(ACK.drop(3));
    assertEquals(List.of(ACK), readAll(reader));
  }

  @Test
  void aFrameOfExactlyTheLimitPassesAndOneByteMoreIsRefusedFromItsHeaderAlone() throws Exception {
    byte[] body = new byte[16];
    TcpFrameReader reader = new TcpFrameReader(body.length);
    ByteString atLimit = TcpFrames.frame(TcpFrames.JSON, body);
    reader.append(atLimit);
    assertEquals(List.of(atLimit), readAll(reader));

    reader.append(
        TcpFrames.frame(TcpFrames.JSON, new byte[body.length + 1]).take(TcpFrames.HEADER_BYTES));
    TcpFrameReader.BadHeader tooBig = assertThrows(TcpFrameReader.BadHeader.class, reader::next);
    assertEquals(CloseCode.MESSAGE_TOO_BIG, tooBig.code());
  }

  @Test
  void aNegativeLengthIsAProtocolError() {
    TcpFrameReader reader = new TcpFrameReader(1024);
    reader.append(ByteString.fromArray(new byte[] {(byte) 0x80, 0, 0, 1, 1}));
    TcpFrameReader.BadHeader negative = assertThrows(TcpFrameReader.BadHeader.class, reader::next);
    assertEquals(CloseCode.WEBSOCKET_PROTOCOL_ERROR, negative.code());
    assertTrue(negative.getMessage().contains("negative"));
  }
}
