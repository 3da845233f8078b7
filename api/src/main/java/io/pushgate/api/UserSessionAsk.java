package io.pushgate.api;

import io.pushgate.model.App;
import io.pushgate.model.SessionId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One ask to the session of a user named in a request path, as the per-user services make it: the
 * user is checked first ({@code invalid_user}), the ask runs under the API's {@link
 * ConcurrencyLimit} ({@code overloaded}), and an ask that fails or gets no answer within {@code
 * ask-timeout} becomes {@link ErrorCode#UNAVAILABLE}. What the caller does with the reply is not
 * covered: a failure there stays what it is (a bug answers 500).
 */
final class UserSessionAsk {

  private UserSessionAsk() {}

  static <R> CompletionStage<R> ask(
      ConcurrencyLimit limit, App app, String user, Function<SessionId, CompletionStage<R>> ask) {
    SessionId id;
    try {
      id = new SessionId(app.id(), RequestParser.pathUser(user));
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return limit.run(
        () -> {
          CompletionStage<R> reply;
          try {
            reply = ask.apply(id);
          } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
          }
          return reply.exceptionallyCompose(
              error ->
                  CompletableFuture.failedFuture(
                      new ApiProblem(
                          ErrorCode.UNAVAILABLE,
                          "the session of user \"" + user + "\" did not answer in time")));
        });
  }
}
