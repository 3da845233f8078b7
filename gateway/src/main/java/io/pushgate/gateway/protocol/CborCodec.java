package io.pushgate.gateway.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.pushgate.fanout.LivePush;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The binary encoding of the client frames (docs/protocol.md, "Binary encoding"): each frame is one
 * CBOR map (RFC 8949) with the same keys and values as its JSON form, written with definite
 * lengths, integers as CBOR integers. One exception keeps the backend's bytes untouched: a push's
 * {@code data} (and an up frame's) is a CBOR text string holding the JSON text, byte for byte as
 * the backend sent it; a client decodes it with its JSON parser.
 *
 * <p>Stateless and thread-safe; parsing never throws. Input size is bounded by the transport
 * ({@code max-frame-bytes}); nesting by Jackson's stream read constraints.
 */
public final class CborCodec {

  private static final CBORMapper CBOR = new CBORMapper();
  private static final CBORFactory FACTORY = CBOR.getFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  private CborCodec() {}

  /** Parses one client binary frame. */
  public static ParseResult parse(byte[] cbor) {
    ParseResult ack = PlainAck.read(FACTORY, cbor);
    if (ack != null) return ack;
    JsonNode root;
    try {
      root = CBOR.readTree(cbor);
    } catch (IOException e) {
      return new ParseResult.Invalid(ClientErrorCode.BAD_FRAME, "malformed CBOR");
    }
    return FrameCodec.parse(root, true);
  }

  /**
   * A server frame built by {@link FrameCodec} that carries no backend data (every frame but a
   * push): the same object in CBOR. Not for pushes, whose {@code data} must stay a JSON string.
   */
  public static byte[] fromJson(String json) {
    try {
      JsonNode tree = JSON.readTree(json);
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length());
      try (CBORGenerator g = FACTORY.createGenerator(out)) {
        write(g, tree);
      }
      return out.toByteArray();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON frame: " + json, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A push frame: the CBOR form of {@link FrameCodec#push(String, int, long, long, String,
   * String)}.
   */
  public static byte[] push(String id, int qos, long seq, long bseq, String data, String app) {
    boolean withSeq = bseq > 0 || qos > 0;
    int fields = 4 + (app != null ? 1 : 0) + (withSeq ? 1 : 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length() + id.length() + 48);
    try (CBORGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject(null, fields);
      g.writeStringField("t", "push");
      g.writeStringField("id", id);
      g.writeNumberField("qos", qos);
      if (app != null) g.writeStringField("app", app);
      if (bseq > 0) g.writeNumberField("bseq", bseq);
      else if (qos > 0) g.writeNumberField("seq", seq);
      g.writeStringField("data", data);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A QoS 0 live push: the CBOR form of {@link FrameCodec#live(LivePush)}. */
  public static byte[] live(LivePush push) {
    boolean withOffset = push.offset() > 0;
    boolean withEpoch = withOffset && push.epoch() != null;
    int fields = 5 + (push.topic() != null ? 1 : 0) + (withOffset ? 1 : 0) + (withEpoch ? 1 : 0);
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(push.data().length() + push.id().length() + 64);
    try (CBORGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject(null, fields);
      g.writeStringField("t", "push");
      g.writeStringField("id", push.id());
      g.writeNumberField("qos", 0);
      g.writeStringField("app", push.app());
      if (push.topic() != null) g.writeStringField("topic", push.topic());
      if (withOffset) g.writeNumberField("offset", push.offset());
      if (withEpoch) g.writeStringField("epoch", push.epoch());
      g.writeStringField("data", push.data());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes a JSON tree with definite-length maps and arrays (Jackson's default would be
   * indefinite).
   */
  private static void write(CBORGenerator g, JsonNode node) throws IOException {
    if (node.isObject()) {
      g.writeStartObject(node, node.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        g.writeFieldName(field.getKey());
        write(g, field.getValue());
      }
      g.writeEndObject();
    } else if (node.isArray()) {
      g.writeStartArray(node, node.size());
      for (JsonNode element : node) write(g, element);
      g.writeEndArray();
    } else {
      CBOR.writeTree(g, node);
    }
  }
}
