package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pushgate.api.dto.BatchSendResponse;
import io.pushgate.api.dto.SendMessageResponse;
import io.pushgate.api.idempotency.IdempotencySettings;
import io.pushgate.api.idempotency.IdempotencyStore;
import io.pushgate.api.idempotency.InMemoryIdempotencyStore;
import io.pushgate.model.App;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The backend HTTP API (docs/api.md). Routes only: authentication, content type and body extraction
 * here; validation and session asks in {@link MessageService}, {@link UserService} and {@link
 * TokenService}. Every failure is an {@code application/problem+json} response ({@link ErrorCode}).
 *
 * <pre>
 * POST   /v1/apps/{app}/messages                  send a message to users   202 | 207
 * POST   /v1/apps/{app}/messages:batch            send several messages     202 | 207
 * POST   /v1/apps/{app}/messages:batch            send many messages        202 | 207
 * POST   /v1/apps/{app}/broadcasts                broadcast to every user   202
 * GET    /v1/apps/{app}/broadcasts/{id}           a broadcast's status      200
 * POST   /v1/apps/{app}/topics/{topic}/messages   publish to a topic (QoS 0) 202
 * PUT    /v1/apps/{app}/users/{user}/topics/{topic} subscribe a user        200
 * DELETE /v1/apps/{app}/users/{user}/topics/{topic} unsubscribe a user      200
 * GET    /v1/apps/{app}/users/{user}              a user's session status   200
 * GET    /v1/apps/{app}/users/{user}/messages/{id} the fate of one message   200
 * DELETE /v1/apps/{app}/users/{user}/connections  close a user's connections 200
 * PUT    /v1/apps/{app}/users/{user}/devices/{id} register a push device    201 | 200
 * DELETE /v1/apps/{app}/users/{user}/devices/{id} remove a push device      200
 * GET    /v1/apps/{app}/users/{user}/devices      a user's push devices     200
 * POST   /v1/apps/{app}/tokens                    mint a client token       201
 * </pre>
 */
public final class ApiRoutes extends AllDirectives {

  private final ApiServices services;
  private final long bodyReadTimeoutMillis;

  /**
   * Serves {@code services} (shared with the gRPC API, see {@link ApiServices}): the one
   * constructor; {@link ApiServices.Deps#of} gives a single node's defaults.
   */
  public ApiRoutes(ApiServices services) {
    this.services = services;
    this.bodyReadTimeoutMillis = services.settings().bodyReadTimeout().toMillis();
  }

  /**
   * The send endpoints without the routing DSL ({@link DirectSends}); serve it in front of {@link
   * #route()} ({@link ApiServer}).
   */
  public DirectRoute directSends() {
    return new DirectSends(services.auth(), this::send, this::sendBatch);
  }

  /** An in-memory idempotency store sized by {@code pushgate.api.idempotency}. */
  public static IdempotencyStore localIdempotency(ActorSystem<?> system) {
    IdempotencySettings s = IdempotencySettings.fromConfig(system.settings().config());
    return new InMemoryIdempotencyStore(
        s.retention(), s.inFlightTimeout(), s.maxLocalEntries(), Clock.systemUTC());
  }

  /**
   * The API route. Serve it through {@link ApiServer}, which adds the problem+json rejection and
   * exception handling once for every route it serves (wrapping it here too would run every request
   * through both).
   */
  public Route route() {
    return endpoints();
  }

  private Route endpoints() {
    return pathPrefix(
        "v1",
        () ->
            pathPrefix(
                "apps",
                () ->
                    pathPrefix(
                        segment(),
                        appId ->
                            concat(
                                path("messages", () -> post(() -> sendMessage(appId))),
                                path("messages:batch", () -> post(() -> sendBatch(appId))),
                                path("broadcasts", () -> post(() -> sendBroadcast(appId))),
                                path(
                                    segment("broadcasts").slash(segment()),
                                    id -> get(() -> broadcastStatus(appId, id))),
                                path(
                                    segment("topics").slash(segment()).slash("messages"),
                                    topic -> post(() -> publishTopic(appId, topic))),
                                path(
                                    segment("users")
                                        .slash(segment())
                                        .slash("topics")
                                        .slash(segment()),
                                    (user, topic) ->
                                        concat(
                                            put(() -> changeTopic(appId, user, topic, true)),
                                            delete(() -> changeTopic(appId, user, topic, false)))),
                                path(
                                    segment("users").slash(segment()),
                                    user -> get(() -> userStatus(appId, user))),
                                path(
                                    segment("users")
                                        .slash(segment())
                                        .slash("messages")
                                        .slash(segment()),
                                    (user, id) -> get(() -> messageStatus(appId, user, id))),
                                path(
                                    segment("users").slash(segment()).slash("connections"),
                                    user -> delete(() -> kick(appId, user))),
                                path(
                                    segment("users").slash(segment()).slash("devices"),
                                    user -> get(() -> listDevices(appId, user))),
                                path(
                                    segment("users")
                                        .slash(segment())
                                        .slash("devices")
                                        .slash(segment()),
                                    (user, id) ->
                                        concat(
                                            put(() -> putDevice(appId, user, id)),
                                            delete(() -> removeDevice(appId, user, id)))),
                                path("tokens", () -> post(() -> issueToken(appId)))))));
  }

  /**
   * 202 if every recipient accepted the message, else 207 with the same body. With an {@code
   * Idempotency-Key}, retries get the first final answer again.
   */
  private Route sendMessage(String appId) {
    return authenticated(
        appId,
        app ->
            optionalHeaderValueByName(
                IdempotentSends.HEADER,
                key -> jsonBody(body -> completeWithFuture(send(app, key, body)))));
  }

  /**
   * 202 if every message was accepted by all its recipients, else 207; one result per message. With
   * an {@code Idempotency-Key}, retries get the first final answer again and no message is stored
   * twice.
   */
  private Route sendBatch(String appId) {
    return authenticated(
        appId,
        app ->
            optionalHeaderValueByName(
                IdempotentSends.HEADER,
                key -> jsonBody(body -> completeWithFuture(sendBatch(app, key, body)))));
  }

  /**
   * A send for an authenticated app, answered; never a failed stage (the route's and {@link
   * DirectSends}').
   */
  private CompletionStage<HttpResponse> send(App app, Optional<String> key, byte[] body) {
    return counted(
        "send",
        answered(
            app,
            key,
            body,
            messageId -> services.messages().send(app, body, messageId),
            SendMessageResponse::allAccepted));
  }

  /** A batch send for an authenticated app, answered; never a failed stage. */
  private CompletionStage<HttpResponse> sendBatch(App app, Optional<String> key, byte[] body) {
    return counted(
        "send_batch",
        answered(
            app,
            key,
            body,
            batchId -> services.messages().sendBatch(app, body, batchId),
            BatchSendResponse::allAccepted));
  }

  /**
   * Runs {@code send} once per idempotency key: 202 if {@code allAccepted}, else 207; failures as
   * problems.
   */
  private <T> CompletionStage<HttpResponse> answered(
      App app,
      Optional<String> key,
      byte[] body,
      Function<String, CompletionStage<T>> send,
      Predicate<T> allAccepted) {
    return services
        .idempotent()
        .run(
            app,
            key,
            body,
            id ->
                send.apply(id)
                    .thenApplyAsync(
                        r ->
                            ApiResponses.json(
                                allAccepted.test(r)
                                    ? ApiResponses.ACCEPTED
                                    : ApiResponses.MULTI_STATUS,
                                r),
                        SAME_THREAD)
                    .exceptionallyAsync(ApiResponses::failure, SAME_THREAD),
            HttpReplies.INSTANCE)
        .exceptionallyAsync(ApiResponses::failure, SAME_THREAD);
  }

  /** Counts the call by its answer: ok below 400, else the problem's code. */
  private CompletionStage<HttpResponse> counted(
      String operation, CompletionStage<HttpResponse> response) {
    return response.thenApplyAsync(
        r -> {
          ErrorCode code = ApiResponses.errorCode(r);
          if (code == null) services.calls().ok(ApiCallMeters.Transport.HTTP, operation);
          else services.calls().failed(ApiCallMeters.Transport.HTTP, operation, code);
          return r;
        },
        SAME_THREAD);
  }

  private Route sendBroadcast(String appId) {
    return authenticated(
        appId,
        app ->
            jsonBody(
                body ->
                    respond(
                        "broadcast",
                        services
                            .broadcasts()
                            .send(app, body)
                            .thenApplyAsync(
                                r -> ApiResponses.json(ApiResponses.ACCEPTED, r), SAME_THREAD))));
  }

  private Route broadcastStatus(String appId, String id) {
    return authenticated(
        appId,
        app ->
            respond(
                "get_broadcast",
                services
                    .broadcasts()
                    .status(app, id)
                    .thenApplyAsync(s -> ApiResponses.json(200, s), SAME_THREAD)));
  }

  private Route publishTopic(String appId, String topic) {
    return authenticated(
        appId,
        app ->
            jsonBody(
                body ->
                    respond(
                        "publish_topic",
                        services
                            .topics()
                            .publish(app, topic, body)
                            .thenApplyAsync(
                                r -> ApiResponses.json(ApiResponses.ACCEPTED, r), SAME_THREAD))));
  }

  private Route changeTopic(String appId, String user, String topic, boolean subscribe) {
    return authenticated(
        appId,
        app ->
            respond(
                subscribe ? "subscribe_user" : "unsubscribe_user",
                services
                    .topics()
                    .change(app, user, topic, subscribe)
                    .thenApplyAsync(r -> ApiResponses.json(200, r), SAME_THREAD)));
  }

  private Route userStatus(String appId, String user) {
    return authenticated(
        appId,
        app ->
            respond(
                "get_user",
                services
                    .users()
                    .status(app, user)
                    .thenApplyAsync(s -> ApiResponses.json(200, s), SAME_THREAD)));
  }

  private Route messageStatus(String appId, String user, String id) {
    return authenticated(
        appId,
        app ->
            respond(
                "get_message_status",
                services
                    .users()
                    .messageStatus(app, user, id)
                    .thenApplyAsync(s -> ApiResponses.json(200, s), SAME_THREAD)));
  }

  private Route putDevice(String appId, String user, String id) {
    return authenticated(
        appId,
        app ->
            jsonBody(
                body ->
                    respond(
                        "put_device",
                        services
                            .devices()
                            .put(app, user, id, body)
                            .thenApplyAsync(
                                r -> ApiResponses.json(r.created() ? 201 : 200, r.devices()),
                                SAME_THREAD))));
  }

  private Route removeDevice(String appId, String user, String id) {
    return authenticated(
        appId,
        app ->
            respond(
                "remove_device",
                services
                    .devices()
                    .remove(app, user, id)
                    .thenApplyAsync(r -> ApiResponses.json(200, r), SAME_THREAD)));
  }

  private Route listDevices(String appId, String user) {
    return authenticated(
        appId,
        app ->
            respond(
                "list_devices",
                services
                    .devices()
                    .list(app, user)
                    .thenApplyAsync(r -> ApiResponses.json(200, r), SAME_THREAD)));
  }

  private Route kick(String appId, String user) {
    return authenticated(
        appId,
        app ->
            respond(
                "kick",
                services
                    .users()
                    .kick(app, user)
                    .thenApplyAsync(k -> ApiResponses.json(200, k), SAME_THREAD)));
  }

  private Route issueToken(String appId) {
    return authenticated(
        appId,
        app ->
            jsonBody(
                body -> {
                  try {
                    HttpResponse minted =
                        ApiResponses.json(201, services.tokens().issue(app, body));
                    services.calls().ok(ApiCallMeters.Transport.HTTP, "mint_token");
                    return complete(minted);
                  } catch (ApiProblem problem) {
                    services
                        .calls()
                        .failed(ApiCallMeters.Transport.HTTP, "mint_token", problem.code());
                    throw problem;
                  }
                }));
  }

  /** Resolves the app and checks its API key; failures are thrown as {@link ApiProblem}. */
  private Route authenticated(String appId, Function<App, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization", header -> inner.apply(services.auth().authenticate(appId, header)));
  }

  /**
   * Requires a JSON content type ({@code application/json} or {@code application/*+json}) and reads
   * the body: at once when it came with the head (the usual case), else within {@code
   * pushgate.api.http.request-read-timeout} of the head (408 {@code request_timeout}).
   */
  private Route jsonBody(Function<byte[], Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (!isJson(entity.getContentType().mediaType())) {
            throw new ApiProblem(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "the request body must be application/json, was "
                    + entity.getContentType().mediaType());
          }
          if (entity instanceof HttpEntity.Strict strict)
            return inner.apply(strict.getData().toArray());
          return extractMaterializer(
              materializer ->
                  onComplete(
                      // no second size check here: the server's size limit on the body stream
                      // answers 413
                      entity.toStrict(bodyReadTimeoutMillis, Long.MAX_VALUE, materializer),
                      read -> {
                        if (read.isSuccess()) return inner.apply(read.get().getData().toArray());
                        Throwable cause = ApiResponses.unwrap(read.failed().get());
                        if (cause instanceof TimeoutException) {
                          throw new ApiProblem(
                              ErrorCode.REQUEST_TIMEOUT,
                              "the request body did not arrive within pushgate.api.http.request-read-timeout ("
                                  + bodyReadTimeoutMillis
                                  + " ms)");
                        }
                        if (cause instanceof RuntimeException runtime)
                          throw runtime; // e.g. 413 from the size limit
                        throw new CompletionException(cause);
                      }));
        });
  }

  private Route respond(String operation, CompletionStage<HttpResponse> response) {
    return completeWithFuture(
        counted(operation, response.exceptionallyAsync(ApiResponses::failure, SAME_THREAD)));
  }

  static boolean isJson(MediaType mediaType) {
    return mediaType.mainType().equals("application")
        && (mediaType.subType().equals("json") || mediaType.subType().endsWith("+json"));
  }
}
