package io.pushgate.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unicast end to end: the backend sends to random users {@code <prefix>0..users-1} through the HTTP
 * API at a stepped rate; {@link io.pushgate.load.PushReceivers} holds those users' sockets, acks,
 * and measures API-accept to client-receipt latency from the {@code ts} in each message.
 *
 * <p>System properties: {@code base} (http://127.0.0.1:8081, the API port), {@code users} (1000),
 * {@code prefix} (u), {@code qos} (1), {@code rates} (comma-separated messages/s steps, e.g.
 * 500,1000,2000), {@code stepSeconds} (20).
 */
public class UnicastSimulation extends Simulation {

  private final String base = System.getProperty("base", "http://127.0.0.1:8081");
  private final int users = Integer.getInteger("users", 1000);
  private final String prefix = System.getProperty("prefix", "u");
  private final int qos = Integer.getInteger("qos", 1);
  private final int stepSeconds = Integer.getInteger("stepSeconds", 20);
  private final String[] rates = System.getProperty("rates", "500,1000").split(",");

  private final HttpProtocolBuilder protocol =
      http.baseUrl(base)
          .header("Authorization", "Bearer demo-api-key")
          .contentTypeHeader("application/json")
          .shareConnections();

  private final ScenarioBuilder send =
      scenario("unicast qos " + qos)
          .exec(
              http("send")
                  .post("/v1/apps/demo/messages")
                  .body(
                      StringBody(
                          session ->
                              "{\"to\":[\""
                                  + prefix
                                  + ThreadLocalRandom.current().nextInt(users)
                                  + "\"],\"qos\":"
                                  + qos
                                  + ",\"data\":{\"ts\":"
                                  + System.currentTimeMillis()
                                  + "}}"))
                  .check(status().is(202)));

  {
    List<OpenInjectionStep> steps = new ArrayList<>();
    for (String rate : rates)
      steps.add(constantUsersPerSec(Double.parseDouble(rate)).during(stepSeconds));
    setUp(send.injectOpen(steps))
        .protocols(protocol)
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
