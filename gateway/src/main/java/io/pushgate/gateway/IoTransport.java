package io.pushgate.gateway;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket I/O under the WebSocket port ({@code pushgate.gateway.io-transport}): Linux's native
 * epoll or Java NIO. {@link #resolve()} turns {@code AUTO} into the one this machine runs.
 */
public enum IoTransport {
  /** Epoll where it loads (x86_64 and aarch64 Linux), else NIO. */
  AUTO,
  /** Linux's native epoll; the gateway does not start where it cannot load. */
  EPOLL,
  /** Java NIO. */
  NIO;

  /** Reads {@code auto}, {@code epoll} or {@code nio} (any case). */
  public static IoTransport parse(String value) {
    for (IoTransport t : values()) {
      if (t.name().equalsIgnoreCase(value.trim())) return t;
    }
    throw new IllegalArgumentException(
        "pushgate.gateway.io-transport must be auto, epoll or nio, not '" + value + "'");
  }

  /** The transport to run: {@code AUTO} resolved; {@code EPOLL} checked. */
  public IoTransport resolve() {
    return switch (this) {
      case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
      case EPOLL -> {
        Epoll.ensureAvailability();
        yield EPOLL;
      }
      case NIO -> NIO;
    };
  }

  /**
   * An event loop group of {@code threads} (0: Netty's default) named {@code name}; resolved
   * transports only.
   */
  MultiThreadIoEventLoopGroup group(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(name, true), handlers());
  }

  Class<? extends ServerSocketChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  private IoHandlerFactory handlers() {
    return switch (this) {
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
      case AUTO -> throw new IllegalStateException("resolve() first");
    };
  }
}
