package io.pushgate.gateway;

import io.pushgate.callback.CallbackSink;
import io.pushgate.upstream.UpstreamForwarder;
import java.util.Objects;

/**
 * How the gateway reaches the apps' backends without knowing how: status callbacks it raises
 * ({@code connected} / {@code disconnected}) and client upstream data it forwards. Implemented by
 * the api module, wired by the node.
 */
public record BackendHooks(CallbackSink callbacks, UpstreamForwarder upstream) {

  /** No callbacks, no upstream (every {@code up} is answered {@code upstream_not_allowed}). */
  public static final BackendHooks NONE =
      new BackendHooks(CallbackSink.NONE, UpstreamForwarder.NONE);

  public BackendHooks {
    Objects.requireNonNull(callbacks, "callbacks");
    Objects.requireNonNull(upstream, "upstream");
  }
}
