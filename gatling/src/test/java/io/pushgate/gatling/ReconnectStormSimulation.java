package io.pushgate.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.WsFrameCheck;
import io.pushgate.load.DemoTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reconnect storm: every virtual user connects and is welcomed, drops its connection, has {@code
 * perUser} QoS 1 messages sent to it through the API while it is offline, and comes back. The
 * reconnect must be welcomed with {@code "pending":perUser} and followed by exactly those pushes,
 * which it acks. All users start at once, so the drops and the reconnects are storms. Gatling
 * reports the welcome and push latencies; any missing message fails the run (assertion).
 *
 * <p>System properties: {@code base} (http://127.0.0.1:8081, the API port), {@code ws}
 * (ws://127.0.0.1:8080), {@code users} (1000), {@code perUser} (3), {@code prefix} (storm-r).
 */
public class ReconnectStormSimulation extends Simulation {

  private final String base = System.getProperty("base", "http://127.0.0.1:8081");
  private final String wsBase = System.getProperty("ws", "ws://127.0.0.1:8080");
  private final int users = Integer.getInteger("users", 1000);
  private final int perUser = Integer.getInteger("perUser", 3);
  private final String prefix =
      System.getProperty("prefix", "storm-r" + System.currentTimeMillis() + "-");
  private final AtomicInteger next = new AtomicInteger();

  private WsFrameCheck[] welcomeThenPushes() {
    List<WsFrameCheck> checks = new ArrayList<>();
    checks.add(
        ws.checkTextMessage("welcome with pending")
            .check(regex("\"pending\":(\\d+)").is(Integer.toString(perUser))));
    for (int i = 1; i <= perUser; i++) {
      var push = ws.checkTextMessage("redelivered push " + i).check(regex("\"t\":\"push\""));
      checks.add(i == perUser ? push.check(regex("\"seq\":(\\d+)").saveAs("seq")) : push);
    }
    return checks.toArray(WsFrameCheck[]::new);
  }

  private final ScenarioBuilder storm =
      scenario("reconnect storm")
          .exec(session -> session.set("user", prefix + next.getAndIncrement()))
          .exec(ws("connect").connect("/v1/ws"))
          .exec(
              ws("hello")
                  .sendText(StringBody(s -> hello(s.getString("user"))))
                  .await(Duration.ofSeconds(30))
                  .on(ws.checkTextMessage("welcome").check(regex("\"t\":\"welcome\""))))
          .exec(ws("drop").close())
          .repeat(perUser)
          .on(
              exec(
                  http("send while offline")
                      .post("/v1/apps/demo/messages")
                      .header("Authorization", "Bearer " + DemoTokens.API_KEY)
                      .body(
                          StringBody(
                              s ->
                                  "{\"to\":[\""
                                      + s.getString("user")
                                      + "\"],\"qos\":1,\"data\":{\"ts\":"
                                      + System.currentTimeMillis()
                                      + "}}"))
                      .asJson()
                      .check(status().is(202))))
          .exec(ws("reconnect").connect("/v1/ws"))
          .exec(
              ws("hello again")
                  .sendText(StringBody(s -> hello(s.getString("user"))))
                  .await(Duration.ofSeconds(60))
                  .on(welcomeThenPushes()))
          .exec(ws("ack").sendText("{\"t\":\"ack\",\"seq\":#{seq}}"))
          .exec(ws("close").close());

  private static String hello(String user) {
    return "{\"t\":\"hello\",\"app\":\"demo\",\"token\":\""
        + DemoTokens.token(user)
        + "\",\"hb\":300}";
  }

  {
    setUp(storm.injectOpen(atOnceUsers(users)))
        .protocols(http.baseUrl(base).wsBaseUrl(wsBase))
        .assertions(global().failedRequests().count().is(0L));
  }
}
