package io.pushgate.gateway.connection;

import io.pushgate.callback.CallbackEventType;
import io.pushgate.callback.CallbackEvents;
import io.pushgate.callback.CallbackSink;

/**
 * The gateway's status callbacks: {@code connected} when a binding (the hello app or a bound app)
 * is first attached and announced to the client, {@code disconnected} when it ends, with the
 * connection's close code. Both are raised on the event loop and only queue (see {@link
 * CallbackSink}): a connection never waits for a callback.
 */
final class ConnectionCallbacks {

  private ConnectionCallbacks() {}

  static void connected(CallbackSink sink, SessionBinding b) {
    if (!sink.wants(b.app(), CallbackEventType.CONNECTED)) return;
    sink.offer(
        CallbackEvents.connected(
            b.app(),
            b.sessionId.user(),
            System.currentTimeMillis(),
            b.info.connectionId(),
            b.info.node(),
            b.info.transport()));
  }

  /**
   * @param closeCode the connection's close code, or 0 if only this app was unbound
   * @param reason why, e.g. {@code client_closed}, {@code heartbeat_timeout}, {@code unbound}
   */
  static void disconnected(CallbackSink sink, SessionBinding b, int closeCode, String reason) {
    if (!b.announced || !sink.wants(b.app(), CallbackEventType.DISCONNECTED)) return;
    sink.offer(
        CallbackEvents.disconnected(
            b.app(),
            b.sessionId.user(),
            System.currentTimeMillis(),
            b.info.connectionId(),
            b.info.node(),
            b.info.transport(),
            closeCode,
            reason));
  }
}
