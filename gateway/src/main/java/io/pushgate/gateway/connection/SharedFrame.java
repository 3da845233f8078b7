package io.pushgate.gateway.connection;

import io.pushgate.gateway.protocol.WireEncoding;
import java.util.function.Supplier;

/**
 * One server frame shared by every connection on this node that is given it (a live push, a QoS 1
 * broadcast push): encoded once per encoding, JSON at once, CBOR on first use by a connection that
 * speaks it. Thread-safe: a race encodes CBOR twice at worst, with the same result. The byte arrays
 * are shared: never modified.
 */
public final class SharedFrame {

  private final byte[] json;
  private final Supplier<byte[]> cborEncoder;
  private volatile byte[] cbor;

  SharedFrame(byte[] json, Supplier<byte[]> cborEncoder) {
    this.json = json;
    this.cborEncoder = cborEncoder;
  }

  /** The frame's bytes in {@code encoding}. */
  public byte[] bytes(WireEncoding encoding) {
    if (encoding == WireEncoding.JSON) return json;
    byte[] c = cbor;
    if (c == null) {
      c = cborEncoder.get();
      cbor = c;
    }
    return c;
  }
}
