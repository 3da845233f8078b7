package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.pushgate.gateway.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A transport without a socket, for unit tests of the protocol core: records what the core writes
 * and how it closes; its executor queues tasks that the test runs ({@link #runNext()}), and its
 * timers run when the test moves its clock ({@link #advance(Duration)}). Only the test thread
 * touches the core, as the contract requires.
 */
final class FakeTransport implements Transport {

  /** One written frame: JSON text, or bytes (CBOR when binary). */
  record Written(String text, byte[] bytes, boolean binary) {
    String json() {
      return text != null ? text : new String(bytes, StandardCharsets.UTF_8);
    }
  }

  record Close(int code, String reason) {}

  private final class FakeTimer implements Timer {
    final long due;
    final Runnable task;
    boolean cancelled;

    FakeTimer(long due, Runnable task) {
      this.due = due;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  final List<Written> written = new ArrayList<>();
  Close closed;
  Duration silenceWatched;
  boolean writable = true;
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final List<FakeTimer> timers = new ArrayList<>();
  private long nowNanos;

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public Executor executor() {
    return tasks::add;
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    FakeTimer t = new FakeTimer(nowNanos + delay.toNanos(), task);
    timers.add(t);
    return t;
  }

  @Override
  public void writeText(String json) {
    written.add(new Written(json, null, false));
  }

  @Override
  public void writeBytes(byte[] frame, boolean binary) {
    written.add(new Written(null, frame, binary));
  }

  @Override
  public boolean writable() {
    return writable;
  }

  @Override
  public void close(int code, String reason) {
    if (closed != null) throw new AssertionError("closed twice: " + closed + ", then " + code);
    closed = new Close(code, reason);
  }

  @Override
  public void watchSilence(Duration timeout) {
    silenceWatched = timeout;
  }

  @Override
  public void stopWatchingSilence() {
    silenceWatched = null;
  }

  @Override
  public String remoteLabel() {
    return "fake-peer";
  }

  /** Runs the next task handed to the executor (a session message, a live push), waiting for it. */
  void runNext() throws InterruptedException {
    Runnable task = tasks.poll(20, TimeUnit.SECONDS);
    assertNotNull(task, "no task for the connection within 20 s");
    task.run();
  }

  /** Moves the clock and runs every timer that falls due, in order. */
  void advance(Duration by) {
    nowNanos += by.toNanos();
    List<FakeTimer> due = timers.stream().filter(t -> !t.cancelled && t.due <= nowNanos).toList();
    timers.removeAll(due);
    due.forEach(t -> t.task.run());
  }

  Written last() {
    return written.get(written.size() - 1);
  }
}
