package io.pushgate.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Forwards client upstream data to the app's backend (implemented by the api module; the gateway
 * calls it). Thread-safe; {@link #forward} never blocks, and its stage always completes, with a
 * result rather than an exception, within the implementation's request timeout.
 */
public interface UpstreamForwarder {

  CompletionStage<UpstreamResult> forward(UpstreamRequest request);

  /** Accepts nothing: every request is {@link UpstreamResult.NotAllowed}. */
  UpstreamForwarder NONE =
      request -> CompletableFuture.completedFuture(new UpstreamResult.NotAllowed());
}
