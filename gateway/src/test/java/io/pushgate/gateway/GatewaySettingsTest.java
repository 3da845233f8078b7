package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

  @Test
  void referenceDefaultsMatchTheDocumentedOnes() {
    GatewaySettings s = GatewaySettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals("0.0.0.0", s.host());
    assertEquals(8080, s.port());
    assertEquals(100_000, s.maxConnections());
    assertEquals(Duration.ofSeconds(10), s.helloTimeout());
    assertEquals(Duration.ofSeconds(10), s.attachTimeout());
    assertEquals(30, s.heartbeat().defaultSeconds());
    assertEquals(10, s.heartbeat().minSeconds());
    assertEquals(300, s.heartbeat().maxSeconds());
    assertEquals(8 * 1024, s.maxFrameBytes());
    assertEquals(64, s.inflightWindow());
    assertEquals(Duration.ofSeconds(30), s.slowConsumerTimeout());
    assertEquals(8 * 1024, s.maxHttpBodyBytes());
  }

  @Test
  void rejectsInvertedWaterMarks() {
    var config =
        ConfigFactory.parseString("pushgate.gateway.write-buffer-low-water-mark = 128 KiB")
            .withFallback(ConfigFactory.defaultReference());
    assertThrows(IllegalArgumentException.class, () -> GatewaySettings.fromConfig(config));
  }
}
