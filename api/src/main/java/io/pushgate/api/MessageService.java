package io.pushgate.api;

import static io.pushgate.concurrent.Continuations.SAME_THREAD;

import io.pushgate.api.dto.BatchRequest;
import io.pushgate.api.dto.BatchSendResponse;
import io.pushgate.api.dto.RecipientStatus;
import io.pushgate.api.dto.SendMessageRequest;
import io.pushgate.api.dto.SendMessageResponse;
import io.pushgate.api.ratelimit.SendRateLimiter;
import io.pushgate.metrics.MessageMeters;
import io.pushgate.model.App;
import io.pushgate.model.PushMessage;
import io.pushgate.model.SessionId;
import io.pushgate.paced.PacedSends;
import io.pushgate.session.SessionCommand.EnqueueResult;
import io.pushgate.session.SessionCommand.EnqueueResult.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one message to its recipients: validates the request, gives it one id, and asks every
 * recipient's session to enqueue it, at most {@code enqueue-parallelism} asks at a time, each
 * bounded by {@code ask-timeout}. No HTTP types: the routes map the outcome to a status.
 *
 * <p>Outcome: a {@link SendMessageResponse} with one status per distinct recipient; it fails with
 * {@link ErrorCode#UNAVAILABLE} if no recipient answered in time, and with {@link
 * ErrorCode#OVERLOADED} if the node already serves {@code max-concurrent-requests}. A recipient is
 * {@code queued} only after its session persisted the message.
 */
public final class MessageService {

  private static final Logger log = LoggerFactory.getLogger(MessageService.class);

  private final ApiSettings settings;
  private final RequestParser parser;
  private final SessionAsks sessions;
  private final ConcurrencyLimit limit;
  private final Clock clock;
  private final SendRateLimiter rateLimiter;

  /** Where multicasts above the send rate wait (null: they are refused with 429). */
  private final PacedSends paced;

  private final MessageMeters meters;

  MessageService(
      ApiSettings settings,
      SessionAsks sessions,
      ConcurrencyLimit limit,
      Clock clock,
      SendRateLimiter rateLimiter,
      PacedSends paced,
      MessageMeters meters) {
    this.meters = meters;
    this.rateLimiter = rateLimiter;
    this.paced = paced;
    this.settings = settings;
    this.parser = new RequestParser(settings);
    this.sessions = sessions;
    this.limit = limit;
    this.clock = clock;
  }

  /**
   * Validates {@code body} and sends it; a validation failure is a failed stage with an {@link
   * ApiProblem}. With a {@code messageId} (an idempotent request, see {@link
   * IdempotentSends#messageId}) the message gets that id and every session stores it at most once:
   * a session that still holds a message with that id, pending or ended, answers queued without
   * storing it again. So a retry that gets through after the idempotency store failed (or a node
   * died) between the send and storing its answer does not duplicate it.
   */
  CompletionStage<SendMessageResponse> send(App app, byte[] body, String messageId) {
    SendMessageRequest request;
    try {
      request = parser.parseMessage(body, app.limits());
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return send(app, request, messageId);
  }

  /** Sends a validated message, as {@link #send(App, byte[], String)} after validation. */
  public CompletionStage<SendMessageResponse> send(
      App app, SendMessageRequest request, String messageId) {
    return admit(app, request, messageId, true);
  }

  /**
   * Validates a batch and sends its valid messages, at most {@code enqueue-parallelism} at a time,
   * as one request against {@code max-concurrent-requests}; each message takes its own send-rate
   * tokens and gets its own result (refused, rate limited, paced, sent). A batch-wide validation
   * failure, or {@link ErrorCode#OVERLOADED}, fails the stage. With a {@code batchId} (an
   * idempotent request) message {@code i} gets an id derived from it, so a retry stores no message
   * twice. Messages of one batch are sent concurrently: two of them to the same user may be queued
   * in either order.
   */
  CompletionStage<BatchSendResponse> sendBatch(App app, byte[] body, String batchId) {
    BatchRequest batch;
    try {
      batch = parser.parseBatch(body, app.limits());
    } catch (ApiProblem problem) {
      return CompletableFuture.failedFuture(problem);
    }
    return sendBatch(app, batch, batchId);
  }

  /** Sends a validated batch, as {@link #sendBatch(App, byte[], String)} after validation. */
  public CompletionStage<BatchSendResponse> sendBatch(App app, BatchRequest batch, String batchId) {
    List<Integer> indices = IntStream.range(0, batch.entries().size()).boxed().toList();
    return limit.run(
        () ->
            BoundedFanOut.map(
                    indices,
                    settings.enqueueParallelism(),
                    i -> result(app, batch.entries().get(i), batchMessageId(batchId, i)))
                .thenApply(BatchSendResponse::new));
  }

  private CompletionStage<BatchSendResponse.Result> result(
      App app, BatchRequest.Entry entry, String messageId) {
    if (entry instanceof BatchRequest.Invalid invalid) {
      return CompletableFuture.completedFuture(BatchSendResponse.Result.refused(invalid.problem()));
    }
    SendMessageRequest request = ((BatchRequest.Valid) entry).request();
    CompletionStage<SendMessageResponse> sent;
    try {
      sent = admit(app, request, messageId, false);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handleAsync(
        (response, error) -> {
          if (error == null) return BatchSendResponse.Result.sent(response);
          Throwable cause = ApiResponses.unwrap(error);
          if (cause instanceof ApiProblem problem) return BatchSendResponse.Result.refused(problem);
          log.error("a message of a batch of app {} failed unexpectedly", app.id(), cause);
          return BatchSendResponse.Result.refused(
              new ApiProblem(ErrorCode.INTERNAL_ERROR, "the message could not be sent"));
        },
        SAME_THREAD);
  }

  private static String batchMessageId(String batchId, int index) {
    if (batchId == null) return null;
    return UUID.nameUUIDFromBytes((batchId + "#" + index).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * Takes the request's send-rate tokens, then sends it: fans out, paces a multicast the rate
   * cannot admit (if there is a paced queue), or fails with 429. {@code ownSlot}: the send counts
   * against {@code max-concurrent-requests} on its own (a batch holds one slot for all).
   */
  private CompletionStage<SendMessageResponse> admit(
      App app, SendMessageRequest request, String messageId, boolean ownSlot) {
    return rateLimiter
        .acquire(app, request.to().size())
        .thenComposeAsync(
            decision -> {
              if (!decision.allowed()) meters.forApp(app.id()).rateLimited.increment();
              if (!decision.allowed() && paced != null && request.to().size() > 1) {
                return run(ownSlot, () -> pace(app, request, messageId));
              }
              if (!decision.allowed()) {
                return CompletableFuture.failedFuture(
                    ApiProblem.retryAfter(
                        ErrorCode.RATE_LIMITED,
                        "app "
                            + app.id()
                            + " may send "
                            + app.limits().sendRate()
                            + " messages per second (one per recipient); this request needs "
                            + request.to().size(),
                        (decision.retryAfterMillis() + 999) / 1000));
              }
              return run(ownSlot, () -> fanOut(app, request, messageId));
            },
            SAME_THREAD);
  }

  private <T> CompletionStage<T> run(boolean ownSlot, Supplier<CompletionStage<T>> work) {
    return ownSlot ? limit.run(work) : work.get();
  }

  /** A multicast the rate cannot admit now: stored in the app's paced send queue, answered 202. */
  private CompletionStage<SendMessageResponse> pace(
      App app, SendMessageRequest request, String messageId) {
    PushMessage message = newMessage(request, messageId);
    return paced
        .submit(app.id(), message, request.to(), app.limits().overflow())
        .handleAsync(
            (result, error) -> {
              if (error != null) {
                throw new ApiProblem(
                    ErrorCode.UNAVAILABLE,
                    "the paced send queue of app "
                        + app.id()
                        + " did not answer in time; message "
                        + message.id()
                        + " may or may not have been stored");
              }
              if (!result.accepted()) {
                long seconds =
                    Math.max(
                        1,
                        (result.queuedRecipients() + app.limits().sendRate() - 1)
                            / app.limits().sendRate());
                throw ApiProblem.retryAfter(
                    ErrorCode.SEND_QUEUE_FULL,
                    "app "
                        + app.id()
                        + " has "
                        + result.queuedRecipients()
                        + " recipients waiting in its paced send queue"
                        + " (pushgate.api.paced.max-queued-recipients); this request needs "
                        + request.to().size(),
                    seconds);
              }
              return SendMessageResponse.paced(
                  message.id(), request.to().size(), result.queuedRecipients());
            },
            SAME_THREAD);
  }

  private PushMessage newMessage(SendMessageRequest request, String messageId) {
    long now = clock.millis();
    return new PushMessage(
        messageId != null ? messageId : MessageIds.random(),
        request.qos(),
        request.data(),
        now,
        now + request.ttl().toMillis(),
        request.collapseKey(),
        request.notification());
  }

  private CompletionStage<SendMessageResponse> fanOut(
      App app, SendMessageRequest request, String messageId) {
    PushMessage message = newMessage(request, messageId);
    boolean idempotent = messageId != null;
    return BoundedFanOut.map(
            request.to(),
            settings.enqueueParallelism(),
            user -> enqueue(app, user, message, idempotent))
        .thenApply(recipients -> outcome(app, message, recipients));
  }

  private CompletionStage<SendMessageResponse.Recipient> enqueue(
      App app, String user, PushMessage message, boolean idempotent) {
    CompletionStage<EnqueueResult> reply;
    try {
      reply =
          sessions.enqueue(
              new SessionId(app.id(), user), message, app.limits().overflow(), idempotent);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.handleAsync(
        (result, error) -> {
          if (error != null || result == null) {
            return new SendMessageResponse.Recipient(user, RecipientStatus.UNAVAILABLE, null);
          }
          Long seq = result.outcome() == Outcome.QUEUED ? result.seq() : null;
          return new SendMessageResponse.Recipient(
              user,
              RecipientStatus.of(result.outcome()),
              seq,
              result.replacedId(),
              result.droppedIds().isEmpty() ? null : result.droppedIds());
        },
        SAME_THREAD);
  }

  private static SendMessageResponse outcome(
      App app, PushMessage message, List<SendMessageResponse.Recipient> recipients) {
    SendMessageResponse response = new SendMessageResponse(message.id(), recipients);
    if (!response.allAccepted()) {
      long unavailable =
          recipients.stream().filter(r -> r.status() == RecipientStatus.UNAVAILABLE).count();
      if (unavailable > 0) {
        log.warn(
            "message {} of app {}: {} of {} sessions did not answer within the ask timeout",
            message.id(),
            app.id(),
            unavailable,
            recipients.size());
      }
    }
    if (response.allUnavailable()) {
      throw new ApiProblem(
          ErrorCode.UNAVAILABLE,
          "no session answered in time for message "
              + message.id()
              + "; it may or may not have been stored, retrying may deliver it twice");
    }
    return response;
  }
}
