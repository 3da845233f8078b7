package io.pushgate.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Stopping the API port with keep-alive connections open: each is half-closed after its last answer
 * (the client reads the end of the stream) and closed before the port's event loops stop, so
 * nothing is left to run on a loop that is gone (Netty logs an ERROR for each write or listener it
 * can no longer run).
 */
class ApiServerStopTest {

  private static final int HELD = 4;
  private ActorTestKit testKit;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() {
    testKit = SingleNodeTestKit.start("ApiServerStopTest", "");
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logged);
    testKit.shutdownTestKit();
  }

  @Test
  void openKeepAliveConnectionsEndCleanlyAndNoLoopIsLeftWork() throws Exception {
    ApiServer server =
        ApiServer.start(
                testKit.system(),
                path("ok", () -> complete(ApiResponses.json(200, Map.of("ok", true)))),
                DirectRoute.NONE,
                ApiTestServer.localSettings(testKit.system()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < HELD; i++) { // keep-alive connections, each proven served by a 200
        Socket socket = new Socket("127.0.0.1", server.localAddress().getPort());
        socket.setSoTimeout(20_000);
        held.add(socket);
        socket
            .getOutputStream()
            .write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(
            ApiPortGuardTest.readResponse(socket.getInputStream()).startsWith("HTTP/1.1 200"));
      }

      server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(20, TimeUnit.SECONDS);

      for (Socket socket : held) {
        assertEquals(-1, socket.getInputStream().read(), "the end of the stream, not more bytes");
      }
      // the stages of the connections finished before the loops stopped: a write or listener
      // submitted to a stopped loop is logged at once, on the thread that submits it
      testKit.system().terminate();
      testKit.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<ILoggingEvent> errors =
          List.copyOf(logged.list).stream()
              .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
              .toList();
      assertTrue(errors.isEmpty(), errors.toString());
    } finally {
      for (Socket socket : held) socket.close();
    }
  }
}
