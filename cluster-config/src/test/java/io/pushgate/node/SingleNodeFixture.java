package io.pushgate.node;

import static io.pushgate.node.TestNodes.API_KEY;

import com.typesafe.config.Config;
import io.pushgate.testsupport.ApiTestClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One real node on embedded H2, shared by the tests of a class, with clients for it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SingleNodeFixture {

  @TempDir static Path dataDir;
  protected PushgateNode node;
  protected ApiTestClient api;

  /** Where clients connect. */
  protected String hostPort;

  /** Where the API and dispatch are served. */
  protected String apiHostPort;

  @BeforeAll
  void startNode() throws Exception {
    node = TestNodes.start(configure(TestNodes.h2Node(dataDir)));
    hostPort = TestNodes.hostPort(node);
    apiHostPort = TestNodes.apiHostPort(node);
    api = ApiTestClient.node(apiHostPort, API_KEY);
  }

  /** The node's config; a test class may lay settings over it. */
  protected Config configure(Config config) {
    return config;
  }

  @AfterAll
  void stopNode() throws Exception {
    TestNodes.stop(node);
  }
}
