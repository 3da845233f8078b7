package io.pushgate.api;

import io.pushgate.model.OverflowPolicy;
import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.session.MessageStatus;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.KickResult;
import io.pushgate.session.SessionStatus;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The session requests the API makes, each bounded by {@code pushgate.api.ask-timeout}: a stage
 * that does not complete in time fails with a {@link java.util.concurrent.TimeoutException}.
 * Implemented over cluster sharding by {@link ShardedSessionAsks}; replaceable in tests.
 */
public interface SessionAsks {

  /** Enqueue; for QoS 1 a {@code QUEUED} reply means the message is persisted. */
  /**
   * Queues {@code message} in the session; with {@code idempotent}, a session that still holds a
   * message of the same id answers queued without storing it again.
   */
  CompletionStage<EnqueueResult> enqueue(
      SessionId session, PushMessage message, OverflowPolicy overflow, boolean idempotent);

  /** The fate of one message of the session. */
  CompletionStage<MessageStatus> messageStatus(SessionId session, String messageId);

  CompletionStage<SessionStatus> status(SessionId session);

  CompletionStage<KickResult> kick(SessionId session);

  /** Subscribe or unsubscribe the session to/from a topic, server-side (persisted). */
  CompletionStage<SessionCommand.TopicResult> changeTopic(
      SessionId session, String topic, boolean subscribe);

  /** A device command of the session (put, remove or list its user's devices for mobile push). */
  CompletionStage<SessionCommand.DeviceReply> devices(
      SessionId session, Function<ActorRef<SessionCommand.DeviceReply>, SessionCommand> command);
}
