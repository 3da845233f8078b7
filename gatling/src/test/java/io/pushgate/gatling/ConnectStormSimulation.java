package io.pushgate.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.pushgate.load.DemoTokens;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connect storm: K clients connect, say hello and must get welcome (token check + session attach),
 * hold for a while, close. System properties: {@code ws} (ws://127.0.0.1:8080), {@code clients}
 * (2000), {@code rampSeconds} (10), {@code holdSeconds} (5).
 */
public class ConnectStormSimulation extends Simulation {

  private final String wsBase = System.getProperty("ws", "ws://127.0.0.1:8080");
  private final int clients = Integer.getInteger("clients", 2000);
  private final int rampSeconds = Integer.getInteger("rampSeconds", 10);
  private final int holdSeconds = Integer.getInteger("holdSeconds", 5);
  private final AtomicInteger next = new AtomicInteger();

  private final ScenarioBuilder storm =
      scenario("connect storm")
          .exec(session -> session.set("user", "storm" + next.getAndIncrement()))
          .exec(ws("connect").connect("/v1/ws"))
          .exec(
              ws("hello")
                  .sendText(
                      StringBody(
                          s ->
                              "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\""
                                  + DemoTokens.token(s.getString("user"))
                                  + "\",\"hb\":300}"))
                  .await(Duration.ofSeconds(30))
                  .on(ws.checkTextMessage("welcome").check(regex("\"t\":\"welcome\""))))
          .pause(Duration.ofSeconds(holdSeconds))
          .exec(ws("close").close());

  {
    setUp(
            rampSeconds > 0
                ? storm.injectOpen(rampUsers(clients).during(rampSeconds))
                : storm.injectOpen(atOnceUsers(clients)))
        .protocols(http.wsBaseUrl(wsBase))
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
