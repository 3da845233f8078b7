package io.pushgate.session;

import io.pushgate.notify.Device;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.notify.NotificationRequest;
import io.pushgate.session.SessionCommand.DeviceReply;
import io.pushgate.session.SessionCommand.NotificationsDone;
import io.pushgate.session.SessionCommand.NotifyCheck;
import io.pushgate.session.SessionEvent.DeviceRegistered;
import io.pushgate.session.SessionEvent.DeviceRemoved;
import io.pushgate.session.SessionEvent.NotificationReported;
import io.pushgate.session.SessionEvent.NotificationSent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * A session's mobile push part (docs/push.md): the user's devices, and when a QoS 1 message that
 * carries a notification is sent to them.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Notified when (a) no connection is attached when the message is accepted, or (b) it is
 *       still pending {@code notify-after} (per app) after it was accepted, connected or not.
 *   <li>At most once per message: {@link NotificationSent} is written before the providers are
 *       called, and marks the message ({@link PendingMessage#notified()}); never after the message
 *       was acked, expired, replaced or dropped (it is no longer pending).
 *   <li>A device whose provider says its token is invalid is removed, unless it was re-registered
 *       with another token meanwhile.
 *   <li>While a notify-after timer runs the session does not passivate (it would lose the timer); a
 *       recovered session re-arms the timers of its pending, unnotified messages.
 * </ul>
 *
 * Confined to its entity.
 */
final class SessionNotifications {

  /** Writes events with the entity's unwritten acks in front ({@code SessionEntity#write}). */
  interface Writer {
    EffectBuilder<SessionEvent, SessionState> write(SessionState state, List<SessionEvent> events);
  }

  /** What the entity lends this part. */
  record Deps(
      ActorContext<SessionCommand> ctx,
      TimerScheduler<SessionCommand> timers,
      EffectFactories<SessionEvent, SessionState> effects,
      Writer writer,
      BooleanSupplier attached,
      SessionDeps session,
      String app,
      String user,
      SessionCallbacks callbacks) {}

  private final Deps deps;

  /** Seqs whose notify-after timer runs; null while none (most sessions never have one). */
  private Set<Long> timersRunning;

  SessionNotifications(Deps deps) {
    this.deps = deps;
  }

  /** A notify-after timer runs: the session must stay in memory to fire it. */
  boolean holdsSession() {
    return timersRunning != null && !timersRunning.isEmpty();
  }

  /** Message {@code seq} with a notification was just written: decide now or when it is due. */
  void accepted(SessionState state, long seq) {
    if (state.deviceCount() == 0 || deps.session().notifier().notifyAfter(deps.app()).isEmpty())
      return;
    deps.ctx().getSelf().tell(new NotifyCheck(seq, true));
  }

  /** After recovery: pending messages not notified yet are checked when they are due. */
  void recovered(SessionState state) {
    if (state.deviceCount() == 0) return;
    Optional<Duration> after = deps.session().notifier().notifyAfter(deps.app());
    if (after.isEmpty()) return;
    long now = deps.session().clock().millis();
    for (PendingMessage p : state.pendingInOrder()) {
      if (p.awaitsNotification()) {
        arm(p.seq(), Math.max(0, p.message().acceptedAtMillis() + after.get().toMillis() - now));
      }
    }
  }

  Effect<SessionEvent, SessionState> onCheck(SessionState state, NotifyCheck check) {
    if (timersRunning != null) timersRunning.remove(check.seq());
    Optional<Duration> after = deps.session().notifier().notifyAfter(deps.app());
    Optional<PendingMessage> found = state.pendingBySeq(check.seq());
    long now = deps.session().clock().millis();
    if (after.isEmpty() || found.isEmpty() || state.deviceCount() == 0)
      return deps.effects().none();
    PendingMessage p = found.get();
    if (!p.awaitsNotification() || p.message().isExpired(now)) return deps.effects().none();
    long due = p.message().acceptedAtMillis() + after.get().toMillis();
    boolean awayAtAccept = check.atAccept() && !deps.attached().getAsBoolean();
    if (!awayAtAccept && now < due) {
      arm(p.seq(), due - now);
      return deps.effects().none();
    }
    List<Device> devices = state.devices();
    List<DeviceOutcome> sent = new ArrayList<>(devices.size());
    for (Device d : devices) sent.add(DeviceOutcome.pending(d, now));
    NotificationRequest request =
        new NotificationRequest(
            deps.app(),
            deps.user(),
            p.message().id(),
            p.message().notification(),
            p.message().expiresAtMillis(),
            devices);
    return deps.writer()
        .write(state, List.of(new NotificationSent(p.seq(), p.message().id(), sent, now)))
        .thenRun(
            s ->
                deps.ctx()
                    .pipeToSelf(
                        deps.session().notifier().send(request),
                        (outcomes, failure) ->
                            new NotificationsDone(
                                p.seq(),
                                request.messageId(),
                                devices,
                                failure == null ? outcomes : failedAll(devices, failure))));
  }

  Effect<SessionEvent, SessionState> onDone(SessionState state, NotificationsDone done) {
    long now = deps.session().clock().millis();
    List<String> removed = new ArrayList<>(0);
    for (DeviceOutcome o : done.outcomes()) {
      if (o.result() != DeviceOutcome.Result.UNREGISTERED) continue;
      String notifiedToken =
          done.sent().stream()
              .filter(d -> d.id().equals(o.deviceId()))
              .map(Device::token)
              .findFirst()
              .orElse(null);
      Optional<Device> current = state.device(o.deviceId());
      if (current.isPresent() && current.get().token().equals(notifiedToken))
        removed.add(o.deviceId());
    }
    return deps.writer()
        .write(
            state,
            List.of(new NotificationReported(done.messageId(), done.outcomes(), removed, now)))
        .thenRun(
            s -> deps.callbacks().notified(done.messageId(), done.seq(), done.outcomes(), now));
  }

  Effect<SessionEvent, SessionState> onPutDevice(SessionState state, SessionCommand.PutDevice put) {
    boolean known = state.device(put.device().id()).isPresent();
    if (!known && state.deviceCount() >= deps.session().settings().maxDevices()) {
      return deps.effects()
          .reply(
              put.replyTo(),
              new DeviceReply(DeviceReply.Outcome.TOO_MANY_DEVICES, state.devices()));
    }
    DeviceReply.Outcome outcome = known ? DeviceReply.Outcome.UPDATED : DeviceReply.Outcome.CREATED;
    return deps.writer()
        .write(state, List.of(new DeviceRegistered(put.device())))
        .thenReply(put.replyTo(), s -> new DeviceReply(outcome, s.devices()));
  }

  Effect<SessionEvent, SessionState> onRemoveDevice(
      SessionState state, SessionCommand.RemoveDevice remove) {
    if (state.device(remove.deviceId()).isEmpty()) {
      return deps.effects()
          .reply(remove.replyTo(), new DeviceReply(DeviceReply.Outcome.NOT_FOUND, state.devices()));
    }
    long now = deps.session().clock().millis();
    return deps.writer()
        .write(state, List.of(new DeviceRemoved(remove.deviceId(), "api", now)))
        .thenReply(
            remove.replyTo(), s -> new DeviceReply(DeviceReply.Outcome.REMOVED, s.devices()));
  }

  private void arm(long seq, long delayMillis) {
    if (timersRunning == null) timersRunning = new HashSet<>(4);
    timersRunning.add(seq);
    deps.timers()
        .startSingleTimer(
            "notify-" + seq, new NotifyCheck(seq, false), Duration.ofMillis(delayMillis));
  }

  private static List<DeviceOutcome> failedAll(List<Device> devices, Throwable failure) {
    long now = System.currentTimeMillis();
    List<DeviceOutcome> out = new ArrayList<>(devices.size());
    for (Device d : devices)
      out.add(
          new DeviceOutcome(d.id(), d.platform(), DeviceOutcome.Result.FAILED, "internal", now));
    return out;
  }
}
