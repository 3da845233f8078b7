package io.pushgate.gateway.connection;

import io.pushgate.gateway.UpstreamSettings;
import io.pushgate.gateway.protocol.ClientErrorCode;
import io.pushgate.gateway.protocol.ClientFrame;
import io.pushgate.gateway.protocol.FrameCodec;
import io.pushgate.upstream.UpstreamForwarder;
import io.pushgate.upstream.UpstreamRequest;
import io.pushgate.upstream.UpstreamResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One connection's upstream data: checks the frame against the connection's bounds (rate, in
 * flight, data size), forwards it and writes the answer ({@code upack} or an error with the frame's
 * id, docs/protocol.md "Upstream"). Confined to the connection's event loop: the forwarder's answer
 * is handed back to it before anything is touched.
 */
final class ConnectionUpstream {

  private final UpstreamSettings settings;
  private final UpstreamForwarder forwarder;
  private final InboundRateLimit rate;
  private final Executor eventLoop;
  private final Consumer<String> write;
  private int inFlight;

  ConnectionUpstream(
      UpstreamSettings settings,
      UpstreamForwarder forwarder,
      Executor eventLoop,
      Consumer<String> write) {
    this.settings = settings;
    this.forwarder = forwarder;
    this.rate = new InboundRateLimit(settings.rate(), System.nanoTime());
    this.eventLoop = eventLoop;
    this.write = write;
  }

  /**
   * @param echoApp the app to name in the answer (when several apps are bound), or null
   */
  void send(ClientFrame.Up up, SessionBinding b, String echoApp) {
    if (up.data().getBytes(StandardCharsets.UTF_8).length > settings.maxDataBytes()) {
      write.accept(
          FrameCodec.upError(
              ClientErrorCode.PAYLOAD_TOO_LARGE,
              "data is larger than " + settings.maxDataBytes() + " bytes",
              up.id(),
              0,
              echoApp));
      return;
    }
    if (!rate.tryAcquire(System.nanoTime())) {
      write.accept(
          FrameCodec.upError(
              ClientErrorCode.RATE_LIMITED,
              "more than " + settings.rate().rate() + " up frames per second",
              up.id(),
              0,
              echoApp));
      return;
    }
    if (inFlight >= settings.maxInFlight()) {
      write.accept(
          FrameCodec.upError(
              ClientErrorCode.UPSTREAM_BUSY,
              settings.maxInFlight() + " up frames of this connection are waiting for the backend",
              up.id(),
              0,
              echoApp));
      return;
    }
    inFlight++;
    UpstreamRequest request =
        new UpstreamRequest(
            up.id(),
            b.app(),
            b.sessionId.user(),
            b.info.connectionId(),
            b.info.node(),
            up.type(),
            up.data(),
            System.currentTimeMillis());
    forwarder
        .forward(request)
        .whenComplete(
            (result, error) -> {
              try {
                eventLoop.execute(
                    () -> {
                      inFlight--;
                      write.accept(
                          answer(
                              up.id(),
                              error == null
                                  ? result
                                  : new UpstreamResult.Unavailable(error.toString()),
                              echoApp));
                    });
              } catch (RejectedExecutionException e) {
                // the connection is gone: nobody to answer
              }
            });
  }

  static String answer(String id, UpstreamResult result, String app) {
    if (result instanceof UpstreamResult.Ok ok)
      return FrameCodec.upack(id, ok.replyId(), ok.replyError(), app);
    if (result instanceof UpstreamResult.Rejected r) {
      return FrameCodec.upError(
          ClientErrorCode.UPSTREAM_REJECTED,
          "the backend answered " + r.status(),
          id,
          r.status(),
          app);
    }
    if (result instanceof UpstreamResult.NotAllowed) {
      return FrameCodec.upError(
          ClientErrorCode.UPSTREAM_NOT_ALLOWED,
          "the app takes no upstream data of this type",
          id,
          0,
          app);
    }
    if (result instanceof UpstreamResult.Busy) {
      return FrameCodec.upError(
          ClientErrorCode.UPSTREAM_BUSY,
          "too many upstream requests of the app in flight",
          id,
          0,
          app);
    }
    return FrameCodec.upError(
        ClientErrorCode.UPSTREAM_UNAVAILABLE,
        "the backend is unavailable; retry later",
        id,
        0,
        app);
  }
}
