package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgate.gateway.connection.GatewayMetrics;
import org.junit.jupiter.api.Test;

/** Connection meters: open gauges per transport, closes by code with the label values bounded. */
class GatewayMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry);

  @Test
  void openConnectionsAreCountedPerTransportAndClosesByDocumentedCode() {
    metrics.opened("websocket");
    metrics.opened("websocket");
    metrics.opened("tcp");
    metrics.closed("websocket", 4103);
    assertEquals(
        1, registry.get("pushgate.connections.open").tag("transport", "websocket").gauge().value());
    assertEquals(
        1, registry.get("pushgate.connections.open").tag("transport", "tcp").gauge().value());
    assertEquals(
        2,
        registry
            .get("pushgate.connections.opened")
            .tag("transport", "websocket")
            .counter()
            .count());
    assertEquals(
        1,
        registry
            .get("pushgate.connections.closed")
            .tags("transport", "websocket", "code", "4103")
            .counter()
            .count());
  }

  @Test
  void codesOutsideTheDocumentedOnesShareOneLabel() {
    for (int code = 3000; code < 3100; code++)
      metrics.closed("tcp", code); // a client may close with any code
    assertEquals(
        100,
        registry
            .get("pushgate.connections.closed")
            .tags("transport", "tcp", "code", "other")
            .counter()
            .count());
    assertEquals(
        1,
        registry.find("pushgate.connections.closed").tag("transport", "tcp").counters().size(),
        "one series, not 100");
  }
}
