package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;
import static io.pushgate.node.TestNodes.APP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The web console on a node with an operator credential: in headless Chromium
 * (cluster-config/src/test/browser/console.test.mjs, screenshots under
 * target/console-screenshots/), and its HTTP contract: 401 without the credential, the API proxy
 * with the app's key, the shard listing.
 */
class ConsoleBrowserIT extends SingleNodeFixture {

  private static final String USER = "ops";
  private static final String PASSWORD = "console-test-password";
  private static final Path BROWSER_TEST =
      NodeScripts.ROOT.resolve("cluster-config/src/test/browser");
  static final Path SCREENSHOTS =
      NodeScripts.ROOT.resolve("cluster-config/target/console-screenshots");

  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  protected Config configure(Config config) {
    return ConfigFactory.parseMap(
            Map.of(
                "pushgate.management.auth.user",
                USER,
                "pushgate.management.auth.password",
                PASSWORD))
        .withFallback(config);
  }

  private String console() {
    return node.managementUri().replaceAll("/$", "");
  }

  @Test
  void anOperatorSendsAMessageToAConnectedUserInChromium() throws Exception {
    NodeScripts.requireInstalled(BROWSER_TEST, NodeScripts.CHROMIUM);
    NodeScripts.runTests(
        BROWSER_TEST,
        Map.of(
            "CONSOLE_URL",
            console(),
            "CONSOLE_USER",
            USER,
            "CONSOLE_PASSWORD",
            PASSWORD,
            "PUSHGATE_APP",
            APP,
            "PUSHGATE_API_KEY",
            API_KEY,
            "SCREENSHOTS",
            SCREENSHOTS.toString(),
            "CHROMIUM",
            NodeScripts.CHROMIUM.toString()),
        Duration.ofMinutes(3),
        "console.test.mjs");
    for (String shot :
        new String[] {
          "console-1-user-online.png", "console-2-after-send.png", "console-3-kicked.png"
        }) {
      assertTrue(Files.size(SCREENSHOTS.resolve(shot)) > 10_000, shot + " was not written");
    }
  }

  @Test
  void theConsoleNeedsTheOperatorCredentialAndProxiesOnlyTheApi() throws Exception {
    assertEquals(401, get("/console/", null, null).statusCode());
    HttpResponse<String> page = get("/console/", basic(), null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Pushgate console"));
    assertEquals(
        200,
        get("/console/pushgate.js", basic(), null).statusCode(),
        "the JS client is served with the console");

    HttpResponse<String> status =
        get("/console/api/v1/apps/" + APP + "/users/nobody", basic(), "Bearer " + API_KEY);
    assertEquals(200, status.statusCode(), status.body());
    assertTrue(status.body().contains("\"topics\":[]"), status.body());
    assertEquals(
        401,
        get("/console/api/v1/apps/" + APP + "/users/nobody", basic(), "Bearer wrong").statusCode());
    HttpResponse<String> outside = get("/console/api/ready", basic(), null);
    assertEquals(404, outside.statusCode());
    assertTrue(outside.body().contains("\"code\":\"not_found\""), outside.body());

    HttpResponse<String> shards = get("/cluster/sessions/shards", basic(), null);
    assertEquals(200, shards.statusCode());
    assertTrue(shards.body().contains("\"regions\":[{\"node\":\"pekko://"), shards.body());
    assertTrue(shards.body().contains("\"failed\":0"), shards.body());
  }

  private HttpResponse<String> get(String path, String authorization, String appAuthorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(console() + path)).timeout(Duration.ofSeconds(20));
    if (authorization != null) request.header("Authorization", authorization);
    if (appAuthorization != null) request.header("X-Pushgate-Authorization", appAuthorization);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes());
  }
}
