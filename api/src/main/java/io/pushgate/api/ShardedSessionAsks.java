package io.pushgate.api;

import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.session.MessageStatus;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.Enqueue;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.GetStatus;
import io.pushgate.session.SessionCommand.Kick;
import io.pushgate.session.SessionCommand.KickResult;
import io.pushgate.session.SessionSharding;
import io.pushgate.session.SessionStatus;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/** {@link SessionAsks} through the session shard region; location transparent. */
final class ShardedSessionAsks implements SessionAsks {

  private final SessionSharding sessions;
  private final Duration timeout;

  ShardedSessionAsks(SessionSharding sessions, Duration timeout) {
    this.sessions = sessions;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<EnqueueResult> enqueue(
      SessionId session, PushMessage message, OverflowPolicy overflow, boolean idempotent) {
    return sessions.ask(
        session, replyTo -> new Enqueue(message, overflow, idempotent, replyTo), timeout);
  }

  @Override
  public CompletionStage<MessageStatus> messageStatus(SessionId session, String messageId) {
    return sessions.ask(
        session, replyTo -> new SessionCommand.GetMessageStatus(messageId, replyTo), timeout);
  }

  @Override
  public CompletionStage<SessionStatus> status(SessionId session) {
    return sessions.ask(session, GetStatus::new, timeout);
  }

  @Override
  public CompletionStage<SessionCommand.TopicResult> changeTopic(
      SessionId session, String topic, boolean subscribe) {
    return sessions.ask(
        session, replyTo -> new SessionCommand.ChangeTopic(topic, subscribe, replyTo), timeout);
  }

  @Override
  public CompletionStage<KickResult> kick(SessionId session) {
    return sessions.ask(session, Kick::new, timeout);
  }

  @Override
  public CompletionStage<SessionCommand.DeviceReply> devices(
      SessionId session, Function<ActorRef<SessionCommand.DeviceReply>, SessionCommand> command) {
    return sessions.ask(session, command::apply, timeout);
  }
}
