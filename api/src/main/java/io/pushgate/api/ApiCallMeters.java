package io.pushgate.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code pushgate_api_calls_total{transport, operation, outcome}}: the backend API's calls by
 * transport ({@code http}, {@code grpc}), operation ({@code send}, {@code send_batch}, {@code
 * publish} for one send of a gRPC stream, ...) and outcome ({@code ok}, or the error code the call
 * was answered with). Every label takes a bounded set of values (the error codes are {@link
 * ErrorCode}'s). Thread-safe.
 */
public final class ApiCallMeters {

  /** The transports that label the calls. */
  public enum Transport {
    HTTP,
    GRPC;

    String label() {
      return this == HTTP ? "http" : "grpc";
    }
  }

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  ApiCallMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one call answered without an error. */
  public void ok(Transport transport, String operation) {
    counter(transport, operation, "ok").increment();
  }

  /** Counts one call answered with {@code code}. */
  public void failed(Transport transport, String operation, ErrorCode code) {
    counter(transport, operation, code.code()).increment();
  }

  private Counter counter(Transport transport, String operation, String outcome) {
    return counters.computeIfAbsent(
        transport.label() + '\n' + operation + '\n' + outcome,
        k ->
            Counter.builder("pushgate.api.calls")
                .description(
                    "backend API calls by transport, operation and outcome (ok or the error code)")
                .tag("transport", transport.label())
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(registry));
  }
}
