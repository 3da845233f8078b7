package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.dto.KickResponse;
import io.pushgate.api.dto.MessageStatusResponse;
import io.pushgate.api.dto.UserStatusResponse;
import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Per-user operations: status and kick. Each is one session ask bounded by {@code ask-timeout}; no
 * answer in time fails with {@link ErrorCode#UNAVAILABLE}. No HTTP types.
 */
public final class UserService {

  private final SessionAsks sessions;
  private final ConcurrencyLimit limit;

  UserService(SessionAsks sessions, ConcurrencyLimit limit) {
    this.sessions = sessions;
    this.limit = limit;
  }

  /** The user's session status; fails with invalid_user, overloaded or unavailable. */
  public CompletionStage<UserStatusResponse> status(App app, String user) {
    return ask(app, user, sessions::status, s -> UserStatusResponse.of(app.id(), user, s));
  }

  /**
   * The fate of one message; fails with invalid_user, invalid_field (id), overloaded or
   * unavailable.
   */
  public CompletionStage<MessageStatusResponse> messageStatus(
      App app, String user, String messageId) {
    if (messageId.isEmpty()
        || messageId.length() > 64
        || !messageId.chars().allMatch(c -> c == '-' || Character.isLetterOrDigit(c))) {
      return CompletableFuture.failedFuture(
          ApiProblem.field(
              ErrorCode.INVALID_FIELD, "id", "a message id is 1..64 characters of [A-Za-z0-9-]"));
    }
    return ask(
        app,
        user,
        id -> sessions.messageStatus(id, messageId),
        s -> MessageStatusResponse.of(user, s));
  }

  /** Closes the user's connections; fails with invalid_user, overloaded or unavailable. */
  public CompletionStage<KickResponse> kick(App app, String user) {
    return ask(app, user, sessions::kick, r -> new KickResponse(r.connectionsClosed()));
  }

  /** Only a failed ask is "unavailable"; a failure while mapping its reply is a bug (500). */
  private <R, T> CompletionStage<T> ask(
      App app,
      String user,
      Function<SessionId, CompletionStage<R>> ask,
      Function<R, T> toResponse) {
    return UserSessionAsk.ask(limit, app, user, ask).thenApplyAsync(toResponse, SAME_THREAD);
  }
}
