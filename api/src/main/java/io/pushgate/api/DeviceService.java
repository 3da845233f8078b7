package io.pushgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.dto.DevicesResponse;
import io.pushgate.model.App;
import io.pushgate.notify.Device;
import io.pushgate.session.SessionCommand;
import io.pushgate.session.SessionCommand.DeviceReply;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A user's devices for mobile push (docs/push.md): register, remove, list. Each is one session ask
 * bounded by {@code ask-timeout}; no answer in time fails with {@link ErrorCode#UNAVAILABLE}. No
 * HTTP types.
 */
public final class DeviceService {

  private static final Executor SAME_THREAD = Runnable::run;

  private final SessionAsks sessions;
  private final ConcurrencyLimit limit;
  private final Clock clock;

  DeviceService(SessionAsks sessions, ConcurrencyLimit limit, Clock clock) {
    this.sessions = sessions;
    this.limit = limit;
    this.clock = clock;
  }

  /**
   * Registers (or replaces) device {@code id} from a body {@code {"platform","token","topic"}}.
   * Completes with {@code created} true for a new id; fails with invalid_user, invalid_device,
   * invalid_field, malformed_json, too_many_devices, overloaded or unavailable.
   */
  public CompletionStage<Registered> put(App app, String user, String id, byte[] body) {
    JsonNode json;
    try {
      json = ApiJson.parse(body);
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return put(app, user, id, json);
  }

  /** As {@link #put(App, String, String, byte[])}, with the body already parsed (the gRPC API). */
  public CompletionStage<Registered> put(App app, String user, String id, JsonNode body) {
    Device device;
    try {
      device = PushRequests.device(id, body, clock.millis());
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return ask(app, user, replyTo -> new SessionCommand.PutDevice(device, replyTo))
        .thenApplyAsync(
            reply -> {
              if (reply.outcome() == DeviceReply.Outcome.TOO_MANY_DEVICES) {
                throw new ApiProblem(
                    ErrorCode.TOO_MANY_DEVICES,
                    "user \""
                        + user
                        + "\" already has "
                        + reply.devices().size()
                        + " devices (pushgate.session.max-devices)");
              }
              return new Registered(
                  reply.outcome() == DeviceReply.Outcome.CREATED,
                  DevicesResponse.of(user, reply.devices()));
            },
            SAME_THREAD);
  }

  /**
   * Removes device {@code id}; fails with unknown_device, invalid_user, overloaded or unavailable.
   */
  public CompletionStage<DevicesResponse> remove(App app, String user, String id) {
    return ask(app, user, replyTo -> new SessionCommand.RemoveDevice(id, replyTo))
        .thenApplyAsync(
            reply -> {
              if (reply.outcome() == DeviceReply.Outcome.NOT_FOUND) {
                throw ApiProblem.field(
                    ErrorCode.UNKNOWN_DEVICE,
                    "id",
                    "user \"" + user + "\" has no device \"" + id + "\"");
              }
              return DevicesResponse.of(user, reply.devices());
            },
            SAME_THREAD);
  }

  /** The user's devices (tokens shown by their last four characters only). */
  public CompletionStage<DevicesResponse> list(App app, String user) {
    return ask(app, user, SessionCommand.GetDevices::new)
        .thenApplyAsync(reply -> DevicesResponse.of(user, reply.devices()), SAME_THREAD);
  }

  /** The answer to a registration: whether the id was new, and the user's devices after it. */
  public record Registered(boolean created, DevicesResponse devices) {}

  private CompletionStage<DeviceReply> ask(
      App app, String user, Function<ActorRef<DeviceReply>, SessionCommand> command) {
    return UserSessionAsk.ask(limit, app, user, id -> sessions.devices(id, command));
  }
}
