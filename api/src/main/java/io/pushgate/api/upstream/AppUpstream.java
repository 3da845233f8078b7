package io.pushgate.api.upstream;

import io.pushgate.api.webhook.BackendEndpoints;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.pattern.CircuitBreaker;

/** One app's upstream endpoint, breaker, in-flight count and counters on this node. Thread-safe. */
final class AppUpstream {

  final UpstreamEndpoint endpoint;
  final CircuitBreaker breaker;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicLong forwarded = new AtomicLong();
  final AtomicLong ok = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong notAllowed = new AtomicLong();
  final AtomicLong busy = new AtomicLong();
  final AtomicLong replies = new AtomicLong();
  final AtomicReference<String> lastError = new AtomicReference<>("");

  AppUpstream(UpstreamEndpoint endpoint, CircuitBreaker breaker) {
    this.endpoint = endpoint;
    this.breaker = breaker;
  }

  UpstreamStats stats() {
    String circuit = BackendEndpoints.circuit(breaker);
    return new UpstreamStats(
        endpoint.app(),
        inFlight.get(),
        forwarded.get(),
        ok.get(),
        rejected.get(),
        failed.get(),
        notAllowed.get(),
        busy.get(),
        replies.get(),
        circuit,
        lastError.get());
  }
}
