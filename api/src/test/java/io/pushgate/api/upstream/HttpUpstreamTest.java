package io.pushgate.api.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.pushgate.api.testing.CallbackReceiver;
import io.pushgate.model.AppRegistry;
import io.pushgate.upstream.UpstreamRequest;
import io.pushgate.upstream.UpstreamResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The upstream forwarder against a real HTTP backend, without sessions (no replies): many requests
 * at once all reach the backend (the client pool holds the app's in-flight bound), the per-app
 * bound answers busy, and 5xx opens the circuit while 4xx does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpUpstreamTest {

  private static final String SECRET = "upstream-secret-of-at-least-32-bytes";
  private final CallbackReceiver backend = CallbackReceiver.start();
  private final ActorTestKit testKit =
      ActorTestKit.create(
          "HttpUpstreamTest",
          ConfigFactory.parseString(
                  "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                      + "pushgate.upstream { max-in-flight-per-app = 300, breaker { max-failures = 3, reset-timeout = 30s } }\n"
                      + "pushgate.apps.many.upstream { secret = \""
                      + SECRET
                      + "\", default-url = \""
                      + backend.url()
                      + "/many\" }\n"
                      + "pushgate.apps.flaky.upstream { secret = \""
                      + SECRET
                      + "\", default-url = \""
                      + backend.url()
                      + "/flaky\" }\n"
                      + "pushgate.apps.picky.upstream { secret = \""
                      + SECRET
                      + "\", default-url = \""
                      + backend.url()
                      + "/picky\" }")
              .withFallback(ConfigFactory.load()));
  private final HttpUpstream upstream =
      HttpUpstream.start(testKit.system(), new AppRegistry(List.of()), null);

  @AfterEach
  void answerOkAgain() {
    backend.answer(200);
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
    backend.close();
  }

  @Test
  void twoHundredRequestsAtOnceAllReachTheBackend() throws Exception {
    List<CompletableFuture<UpstreamResult>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++)
      results.add(upstream.forward(request("many", "r" + i)).toCompletableFuture());
    for (CompletableFuture<UpstreamResult> r : results) {
      assertInstanceOf(UpstreamResult.Ok.class, r.get(20, TimeUnit.SECONDS));
    }
    assertEquals(200, backend.requests().stream().filter(r -> r.path().endsWith("/many")).count());
    assertEquals(200, upstream.stats("many").orElseThrow().ok());
  }

  @Test
  void fiveHundredsOpenTheCircuitAndFourHundredsDoNot() throws Exception {
    backend.answer(503);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          new UpstreamResult.Rejected(503),
          upstream
              .forward(request("flaky", "f" + i))
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS));
    }
    // the breaker counts a failure in its own callback, which may run just after our stage
    // completed
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> upstream.stats("flaky").orElseThrow().circuit().equals("open"));
    assertInstanceOf(
        UpstreamResult.Unavailable.class,
        upstream.forward(request("flaky", "f4")).toCompletableFuture().get(20, TimeUnit.SECONDS));
    backend.answer(422);
    for (int i = 0; i < 5; i++) {
      assertEquals(
          new UpstreamResult.Rejected(422),
          upstream
              .forward(request("picky", "p" + i))
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS));
    }
    assertEquals("closed", upstream.stats("picky").orElseThrow().circuit());
  }

  @Test
  void anUnknownAppOrTypeIsNotAllowed() throws Exception {
    assertInstanceOf(
        UpstreamResult.NotAllowed.class,
        upstream.forward(request("nobody", "x")).toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  private static UpstreamRequest request(String app, String id) {
    return new UpstreamRequest(
        id, app, "u1", "conn-1", "node-1", "chat", "{\"n\":1}", System.currentTimeMillis());
  }
}
