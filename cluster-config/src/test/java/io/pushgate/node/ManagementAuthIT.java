package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The management port with an operator credential, on a real node (issue 14, item 4). */
class ManagementAuthIT {

  private final HttpClient http = HttpClient.newHttpClient();

  private int status(int port, String method, String path, String basic) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (basic != null) {
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void everyManagementRouteNeedsTheOperatorCredential() throws Exception {
    Path dir = Files.createTempDirectory("pushgate-mgmt-auth");
    Config config =
        ConfigFactory.parseString(
                "pushgate.management.auth { user = ops, password = \"a-long-operator-secret\" }")
            .withFallback(TestNodes.h2Node(dir));
    PushgateNode node = TestNodes.start(config);
    try {
      int port = node.system().settings().config().getInt("pekko.management.http.port");
      assertEquals(401, status(port, "GET", "/ready", null));
      assertEquals(401, status(port, "GET", "/ready", "ops:wrong-password-000"));
      assertEquals(401, status(port, "GET", "/cluster/members", null));
      assertEquals(401, status(port, "PUT", "/cluster/members/x?operation=leave", null));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status(port, "GET", "/ready", "ops:a-long-operator-secret") == 200);
      assertEquals(200, status(port, "GET", "/cluster/members", "ops:a-long-operator-secret"));
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void aNodeBoundBeyondLoopbackWithoutACredentialDoesNotStart() throws Exception {
    Path dir = Files.createTempDirectory("pushgate-mgmt-open");
    Config config =
        ConfigFactory.parseString("pekko.management.http.hostname = \"0.0.0.0\"")
            .withFallback(TestNodes.h2Node(dir));
    assertThrows(IllegalStateException.class, () -> PushgateNode.start(config));
  }
}
