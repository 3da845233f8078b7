package io.pushgate.model;

/**
 * Marker for every message, event and state that crosses a node boundary or is written to the
 * journal. Bound to Pekko's Jackson CBOR serializer in {@code serialization.conf}; Java
 * serialization is never used.
 */
public interface CborSerializable {}
