package io.pushgate.gateway.http;

import java.util.concurrent.CompletionStage;

/**
 * Serves the plain HTTP requests that arrive on the gateway port and are not WebSocket
 * upgrades to the client endpoint (the backend API, implemented in the {@code api} module).
 *
 * <p>Contract: called on a Netty event-loop thread; must not block; the returned stage may
 * complete on any thread. Request bodies are already bounded by the gateway
 * ({@code pushgate.gateway.max-http-body-bytes}).
 */
@FunctionalInterface
public interface HttpFallback {
  CompletionStage<SimpleHttpResponse> handle(SimpleHttpRequest request);
}
