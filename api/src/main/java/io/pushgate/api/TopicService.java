package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.dto.TopicMessageResponse;
import io.pushgate.api.dto.UserTopicsResponse;
import io.pushgate.fanout.ClusterTopics;
import io.pushgate.fanout.LivePush;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.metrics.PushgateMeters;
import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import io.pushgate.session.SessionCommand.TopicResult;
import io.pushgate.topic.TopicHistoryCommand;
import io.pushgate.topic.TopicHistoryCommand.Appended;
import io.pushgate.topic.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Topics from the backend: publish a QoS 0 message to a topic's subscribers in the cluster (through
 * the topic's history when it keeps one, which gives it an offset), and subscribe or unsubscribe a
 * user server-side (kept in the user's session). No HTTP types.
 */
public final class TopicService {

  private final ActorSystem<?> system;
  private final MessageMeters messages;
  private final RequestParser parser;
  private final SessionAsks sessions;
  private final Duration askTimeout;
  private final Clock clock;

  TopicService(
      ActorSystem<?> system,
      RequestParser parser,
      SessionAsks sessions,
      Duration askTimeout,
      Clock clock) {
    this.system = system;
    this.messages = PushgateMeters.get(system).messages();
    this.parser = parser;
    this.sessions = sessions;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  private void accepted(App app) {
    messages.forApp(app.id()).acceptedTopic.increment();
  }

  /** Publishes one message; failures are failed stages with an {@link ApiProblem}. */
  CompletionStage<TopicMessageResponse> publish(App app, String topic, byte[] body) {
    String data;
    try {
      RequestParser.pathTopic(topic);
      data = parser.parseTopicMessage(body);
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return publishValid(app, topic, data);
  }

  /**
   * Publishes a validated payload ({@link RequestParser#topicMessage}) to {@code topic}, checked
   * here; failures are failed stages with an {@link ApiProblem}.
   */
  public CompletionStage<TopicMessageResponse> publish(App app, String topic, String data) {
    try {
      RequestParser.pathTopic(topic);
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return publishValid(app, topic, data);
  }

  private CompletionStage<TopicMessageResponse> publishValid(App app, String topic, String data) {
    String id = "t-" + MessageIds.random();
    Topics topics = Topics.get(system);
    if (topics.retentionOf(app.id(), topic).isEmpty()) {
      ClusterTopics.get(system)
          .publish(
              LivePush.class,
              LivePush.clusterTopic(app.id(), topic),
              new LivePush(app.id(), topic, id, data, 0, null));
      accepted(app);
      return CompletableFuture.completedFuture(new TopicMessageResponse(id, topic, null, null));
    }
    long now = clock.millis();
    CompletionStage<Appended> appended =
        topics
            .history(app.id(), topic)
            .ask(replyTo -> new TopicHistoryCommand.Append(id, data, now, replyTo), askTimeout);
    return appended.handleAsync(
        (a, error) -> {
          if (error != null) {
            throw new ApiProblem(
                ErrorCode.UNAVAILABLE,
                "the history of topic "
                    + topic
                    + " did not answer in time; the message may or may not have been sent");
          }
          accepted(app);
          return new TopicMessageResponse(id, topic, a.offset(), a.epoch());
        },
        SAME_THREAD);
  }

  /** Subscribes ({@code subscribe}) or unsubscribes the user server-side. */
  public CompletionStage<UserTopicsResponse> change(
      App app, String user, String topic, boolean subscribe) {
    try {
      RequestParser.pathUser(user);
      RequestParser.pathTopic(topic);
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    CompletionStage<TopicResult> result =
        sessions.changeTopic(new SessionId(app.id(), user), topic, subscribe);
    return result.handleAsync(
        (r, error) -> {
          if (error != null) {
            throw new ApiProblem(
                ErrorCode.UNAVAILABLE, "the session of " + user + " did not answer in time");
          }
          if (r.outcome() == TopicResult.Outcome.TOO_MANY_TOPICS) {
            throw new ApiProblem(
                ErrorCode.TOO_MANY_TOPICS,
                "user "
                    + user
                    + " already has "
                    + r.topics().size()
                    + " server-side topics (pushgate.session.max-topics)");
          }
          return new UserTopicsResponse(user, r.topics());
        },
        SAME_THREAD);
  }
}
