package io.pushgate.session;

import io.pushgate.callback.CallbackEventType;
import io.pushgate.callback.CallbackEvents;
import io.pushgate.callback.CallbackSink;
import io.pushgate.notify.DeviceOutcome;
import io.pushgate.session.SessionEvent.DeliveryRoundEnded;
import io.pushgate.session.SessionEvent.MessageQueued;
import io.pushgate.session.SessionEvent.MessagesExpired;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The status callbacks one session raises (docs/api.md, "Status callbacks"): {@code online} /
 * {@code offline} (decided here, by the session, which sees every connection of its user for its
 * app, whichever node it is on) and the fates of its QoS 1 messages. Connection events are the
 * gateway's.
 *
 * <p>Online / offline: the first attach while not announced online raises {@code online}; when the
 * last connection goes, the entity starts its offline timer ({@link #offlineDelay()}) and {@link
 * #offline} raises {@code offline} if no connection came back meanwhile, so a reconnect inside the
 * delay raises nothing. The announcement is runtime state: a session that moves to another node
 * with its connection attached (rebalance, crash) announces {@code online} again.
 *
 * <p>Fates are raised after the event that decides them is written ({@link #fatesOf}), acks when
 * the ack arrives (they are written lazily, and a lost ack is a redelivery, then acked again).
 * Every event for an app that does not want its type costs one {@link CallbackSink#wants} check.
 *
 * <p>Confined to its entity.
 */
final class SessionCallbacks {

  private final CallbackSink sink;
  private final String app;
  private final String user;
  private boolean online;

  SessionCallbacks(CallbackSink sink, String app, String user) {
    this.sink = sink;
    this.app = app;
    this.user = user;
  }

  Duration offlineDelay() {
    return sink.offlineDelay(app);
  }

  /** True between {@code online} and {@code offline}. */
  boolean online() {
    return online;
  }

  /** A connection attached while none was: {@code online} unless announced already. */
  void attached(ConnectionInfo info, long nowMillis) {
    if (online) return;
    online = true;
    if (sink.wants(app, CallbackEventType.ONLINE)) {
      sink.offer(CallbackEvents.online(app, user, nowMillis, info.connectionId(), info.node()));
    }
  }

  /**
   * A parked session woke and took its connection up again: the user never went offline, so it is
   * online again without a callback.
   */
  void resumed() {
    online = true;
  }

  /** No connection for the offline delay (or the entity stops without one): {@code offline}. */
  void offline(long nowMillis) {
    if (!online) return;
    online = false;
    if (sink.wants(app, CallbackEventType.OFFLINE))
      sink.offer(CallbackEvents.offline(app, user, nowMillis));
  }

  /** The client acked the pending messages with {@code fromSeq < seq <= toSeq}. */
  void acked(SessionState state, long fromSeq, long toSeq, long nowMillis) {
    if (toSeq <= fromSeq || !sink.wants(app, CallbackEventType.MESSAGE_ACKED)) return;
    for (PendingMessage p : state.pendingAfter(fromSeq)) {
      if (p.seq() > toSeq) break;
      raise(CallbackEventType.MESSAGE_ACKED, p, nowMillis, null);
    }
  }

  /**
   * What to raise once {@code events} are written, judged against the state before them: expired,
   * undeliverable and dropped messages. Null if nothing (the common case costs no allocation).
   */
  Consumer<SessionState> fatesOf(SessionState before, List<SessionEvent> events) {
    if (!wantsAnyFate()) return null;
    List<Runnable> raises = null;
    for (SessionEvent event : events) {
      if (event instanceof MessagesExpired e) {
        raises =
            collect(
                raises, before, e.seqs(), CallbackEventType.MESSAGE_EXPIRED, e.atMillis(), null);
      } else if (event instanceof DeliveryRoundEnded e) {
        raises =
            collect(
                raises,
                before,
                e.undeliverableSeqs(),
                CallbackEventType.MESSAGE_UNDELIVERABLE,
                e.atMillis(),
                null);
      } else if (event instanceof MessageQueued e) {
        long at = e.pending().message().acceptedAtMillis();
        raises =
            collect(
                raises, before, e.droppedSeqs(), CallbackEventType.MESSAGE_DROPPED, at, "overflow");
        if (e.replacedSeq() > 0) {
          raises =
              collect(
                  raises,
                  before,
                  List.of(e.replacedSeq()),
                  CallbackEventType.MESSAGE_DROPPED,
                  at,
                  "replaced");
        }
      }
    }
    if (raises == null) return null;
    List<Runnable> all = raises;
    return s -> all.forEach(Runnable::run);
  }

  private boolean wantsAnyFate() {
    return sink.wants(app, CallbackEventType.MESSAGE_EXPIRED)
        || sink.wants(app, CallbackEventType.MESSAGE_UNDELIVERABLE)
        || sink.wants(app, CallbackEventType.MESSAGE_DROPPED);
  }

  private List<Runnable> collect(
      List<Runnable> into,
      SessionState before,
      List<Long> seqs,
      CallbackEventType type,
      long atMillis,
      String reason) {
    if (seqs.isEmpty() || !sink.wants(app, type)) return into;
    List<Runnable> list = into == null ? new ArrayList<>(seqs.size()) : into;
    for (long seq : seqs) {
      Optional<PendingMessage> p = before.pendingBySeq(seq);
      p.ifPresent(m -> list.add(() -> raise(type, m, atMillis, reason)));
    }
    return list;
  }

  private void raise(CallbackEventType type, PendingMessage p, long atMillis, String reason) {
    sink.offer(
        CallbackEvents.messageFate(type, app, user, p.message().id(), p.seq(), atMillis, reason));
  }

  /** The providers answered for a message's notification: {@code message.notified}. */
  void notified(String messageId, long seq, List<DeviceOutcome> outcomes, long atMillis) {
    if (!sink.wants(app, CallbackEventType.MESSAGE_NOTIFIED)) return;
    List<Map<String, Object>> devices = new ArrayList<>(outcomes.size());
    for (DeviceOutcome o : outcomes) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("device", o.deviceId());
      d.put("platform", o.platform().wireName());
      d.put("result", o.resultName());
      if (o.reason() != null) d.put("reason", o.reason());
      devices.add(d);
    }
    sink.offer(CallbackEvents.messageNotified(app, user, messageId, seq, atMillis, devices));
  }
}
