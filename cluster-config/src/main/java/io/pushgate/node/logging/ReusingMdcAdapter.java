package io.pushgate.node.logging;

import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.spi.MDCAdapter;

/**
 * An SLF4J MDC that allocates nothing when a thread puts and clears the same few keys over and
 * over, as Pekko does around every actor message ({@code ActorMdc.setMdc}, persistence typed's
 * {@code PersistenceMdc.setMdc}, called whether or not anything is logged). Logback's own adapter
 * drops its map on {@code clear()} and builds a new {@code HashMap} on the next {@code put}:
 * measured at 4 % of the node's allocation per QoS 1 message (docs/benchmarks.md).
 *
 * <p>Contract: the one of {@link MDCAdapter}, per thread. Values may be null. {@link
 * #getCopyOfContextMap} returns a new mutable map (or null when empty), made only when it is asked
 * for: logback asks once per logged event. Limits: a thread's entries are kept in two arrays that
 * grow to the largest number of keys the thread has held at once and never shrink; lookups are
 * linear, meant for the handful of keys an MDC holds.
 */
public final class ReusingMdcAdapter implements MDCAdapter {

  private final ThreadLocal<Entries> entries = ThreadLocal.withInitial(Entries::new);
  private final ThreadLocalMapOfStacks stacks = new ThreadLocalMapOfStacks();

  @Override
  public void put(String key, String val) {
    if (key == null) throw new IllegalArgumentException("key cannot be null");
    entries.get().put(key, val);
  }

  @Override
  public String get(String key) {
    return key == null ? null : entries.get().get(key);
  }

  @Override
  public void remove(String key) {
    if (key != null) entries.get().remove(key);
  }

  @Override
  public void clear() {
    entries.get().clear();
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    return entries.get().copy();
  }

  @Override
  public void setContextMap(Map<String, String> contextMap) {
    Entries current = entries.get();
    current.clear();
    if (contextMap != null) contextMap.forEach(current::put);
  }

  @Override
  public void pushByKey(String key, String value) {
    stacks.pushByKey(key, value);
  }

  @Override
  public String popByKey(String key) {
    return stacks.popByKey(key);
  }

  @Override
  public Deque<String> getCopyOfDequeByKey(String key) {
    return stacks.getCopyOfDequeByKey(key);
  }

  @Override
  public void clearDequeByKey(String key) {
    stacks.clearDequeByKey(key);
  }

  /** One thread's keys and values, in insertion order. */
  private static final class Entries {
    private String[] keys = new String[8];
    private String[] values = new String[8];
    private int size;

    void put(String key, String value) {
      int i = indexOf(key);
      if (i >= 0) {
        values[i] = value;
        return;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
    }

    String get(String key) {
      int i = indexOf(key);
      return i < 0 ? null : values[i];
    }

    void remove(String key) {
      int i = indexOf(key);
      if (i < 0) return;
      int tail = size - i - 1;
      System.arraycopy(keys, i + 1, keys, i, tail);
      System.arraycopy(values, i + 1, values, i, tail);
      size--;
      keys[size] = null;
      values[size] = null;
    }

    void clear() {
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(values, 0, size, null);
      size = 0;
    }

    Map<String, String> copy() {
      if (size == 0) return null;
      Map<String, String> copy = new HashMap<>(size * 2);
      for (int i = 0; i < size; i++) copy.put(keys[i], values[i]);
      return copy;
    }

    private int indexOf(String key) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) return i;
      }
      return -1;
    }
  }
}
