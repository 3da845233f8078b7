package io.pushgate.api.webhook;

import io.pushgate.callback.CallbackEvent;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.pattern.CircuitBreaker;

/**
 * One app's callbacks on this node: its endpoint, bounded queue, circuit breaker and counters,
 * shared by whoever offers events and the app's {@link WebhookSender}. Thread-safe.
 */
final class AppWebhook {

  final WebhookEndpoint endpoint;
  final WebhookQueue queue;
  final CircuitBreaker breaker;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicReference<String> lastError = new AtomicReference<>("");

  AppWebhook(WebhookEndpoint endpoint, WebhookQueue queue, CircuitBreaker breaker) {
    this.endpoint = endpoint;
    this.queue = queue;
    this.breaker = breaker;
  }

  void offer(CallbackEvent event) {
    queue.offer(event);
  }

  WebhookStats stats() {
    String circuit = BackendEndpoints.circuit(breaker);
    return new WebhookStats(
        endpoint.app(),
        endpoint.url().toString(),
        endpoint.events().stream().map(t -> t.wireName()).sorted().toList(),
        queue.size(),
        queue.offered(),
        sent.get(),
        requests.get(),
        retried.get(),
        failed.get(),
        queue.dropped(),
        circuit,
        lastError.get());
  }
}
