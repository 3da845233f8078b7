package io.pushgate.gateway.connection;

import io.pushgate.gateway.protocol.WireEncoding;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One server frame shared by every connection on this node that is given it (a live push, a QoS 1
 * broadcast push): encoded once per encoding, JSON at once, CBOR on first use by a connection that
 * speaks it; and, per {@link Form}, once in a transport's own framing (e.g. a WebSocket frame with
 * its header, in direct memory), so that a transport writes the same bytes to every socket without
 * framing or copying them per connection. Thread-safe: a race makes a form twice at worst, with the
 * same result. Everything shared is never modified.
 */
public final class SharedFrame {

  private final byte[] json;
  private final Supplier<byte[]> cborEncoder;
  private volatile byte[] cbor;

  /**
   * Per form and encoding, made on first use; index {@code form.index * 2 + encoding.ordinal()}.
   */
  private final AtomicReferenceArray<Object> forms = new AtomicReferenceArray<>(Form.MAX_FORMS * 2);

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

  /** The frame in {@code form}'s framing for {@code encoding}, made on first use and kept. */
  public <T> T as(Form<T> form, WireEncoding encoding) {
    int slot = form.index * 2 + encoding.ordinal();
    @SuppressWarnings("unchecked")
    T made = (T) forms.get(slot);
    if (made == null) {
      made = form.make.apply(bytes(encoding), encoding);
      forms.set(slot, made);
    }
    return made;
  }

  /**
   * A transport's framing of a shared frame: made from the encoded bytes once per frame and
   * encoding, then shared by every connection of that transport. What {@code make} returns must be
   * safe to share across threads and must not need releasing (it lives as long as the frame, which
   * the garbage collector frees). At most {@value #MAX_FORMS} forms per JVM (one per transport):
   * declare each as a constant.
   */
  public static final class Form<T> {
    static final int MAX_FORMS = 4;
    private static final AtomicInteger declared = new AtomicInteger();

    private final int index;
    private final BiFunction<byte[], WireEncoding, T> make;

    private Form(int index, BiFunction<byte[], WireEncoding, T> make) {
      this.index = index;
      this.make = make;
    }

    /** A new form; {@code make} frames the encoded bytes of one encoding. */
    public static <T> Form<T> of(BiFunction<byte[], WireEncoding, T> make) {
      int index = declared.getAndIncrement();
      if (index >= MAX_FORMS)
        throw new IllegalStateException("more than " + MAX_FORMS + " shared frame forms");
      return new Form<>(index, make);
    }
  }
}
