package io.pushgate.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.epoll.Epoll;
import io.pushgate.model.Qos;
import io.pushgate.testsupport.WsTestClient;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pushgate.gateway.io-transport}: the WebSocket port works the same on Linux's native epoll
 * and on Java NIO (the rest of the gateway tests run on the default, {@code auto}), and the setting
 * is read strictly.
 */
class IoTransportTest {

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "nio"})
  void helloPushAckAndCloseOnEachTransport(String transport) throws Exception {
    try (GatewayTestNode node =
        new GatewayTestNode("io-" + transport, "io-transport = " + transport)) {
      WsTestClient client = WsTestClient.connect(HttpClient.newHttpClient(), node.wsUri());
      client.hello("demo", TestApps.token("io-" + transport), null);
      assertEquals(0, client.expectFrame("welcome").get("pending").asInt());
      node.enqueue("io-" + transport, "m-1", Qos.AT_LEAST_ONCE, "{\"n\":1}");
      JsonNode push = client.expectFrame("push");
      assertEquals("m-1", push.get("id").asText());
      client.ack(push.get("seq").asLong());
      await()
          .atMost(20, TimeUnit.SECONDS)
          .until(() -> node.status("io-" + transport).pending() == 0);
      client.close();
    }
  }

  @Test
  void autoIsEpollWhereItLoadsAndBadValuesAreRefused() {
    assertEquals(
        Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO, IoTransport.AUTO.resolve());
    assertEquals(IoTransport.NIO, IoTransport.parse(" NIO "));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> IoTransport.parse("io_uring"));
    assertEquals(
        "pushgate.gateway.io-transport must be auto, epoll or nio, not 'io_uring'",
        bad.getMessage());
  }
}
