package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.dto.BroadcastRequest;
import io.pushgate.api.dto.BroadcastResponse;
import io.pushgate.api.dto.BroadcastStatusResponse;
import io.pushgate.broadcast.BroadcastCommand;
import io.pushgate.broadcast.BroadcastCommand.BroadcastInfo;
import io.pushgate.broadcast.BroadcastCommand.PublishResult;
import io.pushgate.broadcast.Broadcasts;
import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.App;
import io.pushgate.model.Qos;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * App-wide broadcasts: QoS 1 goes into the app's broadcast log (one journal row, whatever the
 * number of users) and is answered once persisted; QoS 0 is published once to the cluster and
 * written by every gateway node to its online connections of the app. No HTTP types.
 */
public final class BroadcastService {

  private final RequestParser parser;
  private final ActorSystem<?> system;
  private final MessageMeters messages;
  private final Duration askTimeout;
  private final Clock clock;

  /**
   * The node's broadcast parts are started on first use (a node that never broadcasts never starts
   * them).
   */
  BroadcastService(ActorSystem<?> system, RequestParser parser, Duration askTimeout, Clock clock) {
    this.system = system;
    this.messages = PushgateMeters.get(system).messages();
    this.parser = parser;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  /** Validates and sends; failures are failed stages with an {@link ApiProblem}. */
  CompletionStage<BroadcastResponse> send(App app, byte[] body) {
    BroadcastRequest request;
    try {
      request = parser.parseBroadcast(body, app.limits());
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return send(app, request);
  }

  /** Sends a validated broadcast; failures are failed stages with an {@link ApiProblem}. */
  public CompletionStage<BroadcastResponse> send(App app, BroadcastRequest request) {
    String id = "b-" + MessageIds.random();
    if (request.qos() == Qos.AT_MOST_ONCE) {
      ClusterTopics.get(system)
          .publish(
              LivePush.class,
              LivePush.clusterTopic(app.id(), null),
              new LivePush(app.id(), null, id, request.data(), 0, null));
      messages.forApp(app.id()).acceptedBroadcastQos0.increment();
      return CompletableFuture.completedFuture(new BroadcastResponse(id, 0, null, null));
    }
    long now = clock.millis();
    long expiresAt = now + request.ttl().toMillis();
    CompletionStage<PublishResult> reply =
        Broadcasts.get(system)
            .log(app.id())
            .ask(
                (ActorRef<PublishResult> replyTo) ->
                    new BroadcastCommand.Publish(
                        id, request.data(), now, expiresAt, request.collapseKey(), replyTo),
                askTimeout);
    return reply.handleAsync(
        (result, error) -> {
          if (error != null) {
            throw new ApiProblem(
                ErrorCode.UNAVAILABLE,
                "the broadcast log of app "
                    + app.id()
                    + " did not answer in time; broadcast "
                    + id
                    + " may or may not have been stored");
          }
          if (result.outcome() == PublishResult.Outcome.LOG_FULL) {
            throw ApiProblem.retryAfter(
                ErrorCode.BROADCAST_LOG_FULL,
                "app "
                    + app.id()
                    + " has its maximum of live broadcasts (pushgate.broadcast.max-live); "
                    + "wait for some to expire or reuse a collapseKey",
                60);
          }
          messages.forApp(app.id()).acceptedBroadcastQos1.increment();
          return new BroadcastResponse(id, 1, result.bseq(), result.replacedId());
        },
        SAME_THREAD);
  }

  /** What is known of one broadcast; fails with {@code unknown_broadcast} if nothing. */
  public CompletionStage<BroadcastStatusResponse> status(App app, String id) {
    CompletionStage<BroadcastInfo> reply =
        Broadcasts.get(system)
            .log(app.id())
            .ask(replyTo -> new BroadcastCommand.GetInfo(id, replyTo), askTimeout);
    return reply.handleAsync(
        (info, error) -> {
          if (error != null) {
            throw new ApiProblem(
                ErrorCode.UNAVAILABLE,
                "the broadcast log of app " + app.id() + " did not answer in time");
          }
          if (info.fate().equals("unknown")) {
            throw new ApiProblem(
                ErrorCode.UNKNOWN_BROADCAST,
                "no broadcast " + id + " is known for app " + app.id());
          }
          return BroadcastStatusResponse.of(info);
        },
        SAME_THREAD);
  }
}
