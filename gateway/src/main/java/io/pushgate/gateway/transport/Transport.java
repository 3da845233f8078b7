package io.pushgate.gateway.transport;

import io.pushgate.gateway.connection.ClientConnection;
import io.pushgate.gateway.connection.SharedFrame;
import io.pushgate.gateway.protocol.WireEncoding;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * What the protocol core ({@link ClientConnection}) needs from a transport: the whole contract
 * between the protocol of docs/protocol.md and a socket. Implemented by the WebSocket transport
 * (Netty) and the TCP transport (Pekko Streams).
 *
 * <p>Threading: the core calls these methods only from {@link #executor()}, and the transport calls
 * the core only from there too. Nothing may block.
 *
 * <p>Closing: the core calls {@link #close} at most once; the transport then writes the close (a
 * WebSocket close frame, a TCP close frame), half-closes, and waits up to its close timeout for the
 * peer's end of stream, discarding what it still reads; it reports the end of the socket, whoever
 * closed it, with {@link ClientConnection#onClosed()} exactly once.
 */
public interface Transport {

  /**
   * A scheduled task that can be cancelled (cancelling one that ran or was cancelled is a no-op).
   */
  interface Timer {
    void cancel();
  }

  /**
   * The transport's name in {@code ConnectionInfo} and callbacks: {@code websocket} or {@code tcp}.
   */
  String name();

  /**
   * Where everything of this connection runs, one task at a time (a Netty event loop, an actor's
   * mailbox). May throw {@link java.util.concurrent.RejectedExecutionException} once the connection
   * is gone.
   */
  Executor executor();

  /** Runs {@code task} on {@link #executor()} after {@code delay}. */
  Timer schedule(Duration delay, Runnable task);

  /**
   * A thread that many connections share (a Netty event loop, a shared stream interpreter), for
   * work done for all of them at once: its tasks run one at a time and never at the same time as a
   * task of any of its connections' executors, so what it keeps for them needs no locks.
   *
   * @param direct whether a task on the loop may call into its connections directly (their executor
   *     is the loop itself); if false, it reaches a connection through its {@link #executor()}
   */
  record Loop(Executor executor, BiFunction<Duration, Runnable, Timer> scheduler, boolean direct) {}

  /**
   * The loop this connection shares with others; by default its own executor, as a loop of one that
   * may call into it directly.
   */
  default Loop loop() {
    return new Loop(executor(), this::schedule, true);
  }

  /** Writes and flushes one JSON frame (WebSocket: a text frame; TCP: a frame of kind JSON). */
  void writeText(String json);

  /**
   * Writes and flushes one frame already encoded: UTF-8 JSON, or CBOR when {@code binary}. The
   * array may be shared with other connections: never modified.
   */
  void writeBytes(byte[] frame, boolean binary);

  /**
   * Writes and flushes a frame shared by many connections (a broadcast, a live push) in {@code
   * encoding}. By default its bytes through {@link #writeBytes}; a transport that can frame the
   * bytes once for all its connections ({@link SharedFrame.Form}) writes that instead.
   */
  default void writeShared(SharedFrame frame, WireEncoding encoding) {
    writeBytes(frame.bytes(encoding), encoding.binary());
  }

  /**
   * False while the outbound buffer is over its high-water mark: QoS 0 pushes are dropped, and a
   * connection that stays so for {@code slow-consumer-timeout} is closed with 4002. The transport
   * reports changes with {@link ClientConnection#onWritabilityChanged(boolean)}.
   */
  boolean writable();

  /**
   * Sends the close with {@code code} ({@code -1}: a WebSocket close frame without a status) and
   * {@code reason}, after every frame written before, then ends the connection gracefully (see the
   * class comment).
   */
  void close(int code, String reason);

  /**
   * From now on, calls {@link ClientConnection#onSilence()} once nothing at all was read for {@code
   * timeout} (frames of any kind, heartbeats included). Called once, at hello.
   */
  void watchSilence(Duration timeout);

  /** Stops the silence watch (the connection is closing). */
  void stopWatchingSilence();

  /** The peer's address, for logs. */
  String remoteLabel();
}
