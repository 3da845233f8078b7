package io.pushgate.gateway.protocol;

/**
 * How a connection's frames are encoded (docs/protocol.md, "Binary encoding"). Chosen by the client
 * with its hello: the encoding of the hello frame (a WebSocket text or binary frame, the kind byte
 * of a TCP frame) is the encoding of every frame the server sends on that connection. Clients may
 * send either encoding at any time; each frame says which it is.
 */
public enum WireEncoding {
  /** One JSON object per frame, UTF-8 (WebSocket text frames). */
  JSON,
  /** The same objects in CBOR (RFC 8949), {@link CborCodec} (WebSocket binary frames). */
  CBOR;

  /** True if frames of this encoding go in WebSocket binary frames. */
  public boolean binary() {
    return this == CBOR;
  }
}
