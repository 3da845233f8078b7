package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JavaScript client's test suite (clients/js/test, Node's test runner) against a real node. */
class JsClientIT extends SingleNodeFixture {

  private static final Path CLIENT = NodeScripts.ROOT.resolve("clients/js");

  @Test
  void theJavaScriptClientPassesItsSuiteAgainstARealNode() throws Exception {
    NodeScripts.requireInstalled(CLIENT);
    NodeScripts.runTests(
        CLIENT,
        Map.of(
            "PUSHGATE_API",
            "http://" + apiHostPort,
            "PUSHGATE_APP",
            APP,
            "PUSHGATE_API_KEY",
            API_KEY),
        Duration.ofMinutes(3),
        "test/");
  }
}
