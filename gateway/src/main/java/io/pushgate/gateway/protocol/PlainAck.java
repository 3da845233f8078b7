package io.pushgate.gateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The common case of what clients send, an ack ({@code {"t":"ack","seq":N}}, with {@code bseq} and
 * {@code app} optional), read with Jackson's streaming parser instead of a tree: one per QoS 1
 * push, so its tree (a map, nodes, a parser context) was a tenth of the gateway's garbage per
 * message. Anything it does not recognise as a well-formed ack, including an ack with a bad field,
 * answers null, and the caller parses the tree as for any frame (same answers, same errors: the
 * tree parse stays the one definition of the protocol's checks).
 *
 * <p>Stateless and thread-safe.
 */
final class PlainAck {

  private PlainAck() {}

  /** The ack in {@code text} (JSON), or null: parse the tree instead. Never throws. */
  static ParseResult read(JsonFactory factory, String text) {
    try (JsonParser p = factory.createParser(text)) {
      return read(p);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The ack in {@code frame} (JSON or CBOR, as {@code factory} reads), or null: parse the tree
   * instead. Never throws.
   */
  static ParseResult read(JsonFactory factory, byte[] frame) {
    try (JsonParser p = factory.createParser(frame)) {
      return read(p);
    } catch (IOException e) {
      return null;
    }
  }

  private static ParseResult read(JsonParser p) {
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      boolean ack = false;
      long seq = -1;
      long bseq = -1;
      String app = null;
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "t" -> {
            if (value != JsonToken.VALUE_STRING || !"ack".equals(p.getText())) return null;
            ack = true;
          }
          case "seq" -> {
            if ((seq = counter(p, value)) < 0) return null;
          }
          case "bseq" -> {
            if ((bseq = counter(p, value)) < 0) return null;
          }
          case "app" -> {
            if (value != JsonToken.VALUE_STRING) return null;
            app = p.getText();
          }
          default -> {
            if (value == null || value.isStructStart())
              return null; // unknown fields are ignored, nested ones by the tree
          }
        }
      }
      if (token != JsonToken.END_OBJECT || !ack || (seq < 0 && bseq < 0)) return null;
      return new ParseResult.Ok(new ClientFrame.Ack(Math.max(seq, 0), Math.max(bseq, 0), app));
    } catch (IOException | RuntimeException e) {
      return null; // malformed: the tree parse words the error
    }
  }

  /** A non-negative integer that fits a long, else -1. */
  private static long counter(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) return -1;
    long v = p.getLongValue();
    return v >= 0 ? v : -1;
  }
}
