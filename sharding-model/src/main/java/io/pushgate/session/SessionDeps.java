package io.pushgate.session;

import io.pushgate.callback.CallbackSink;
import io.pushgate.notify.PushNotifier;
import java.time.Clock;
import java.util.Objects;

/**
 * What a session entity needs besides its id and shard ({@link SessionEntity#create}).
 *
 * @param settings limits and timings
 * @param clock wall clock for acceptance, expiry and fates (tests set it)
 * @param broadcasts the node's broadcast replica ({@link SessionBroadcasts#none()}: none)
 * @param callbacks where status callbacks go ({@link CallbackSink#NONE}: nowhere)
 * @param notifier where mobile push notifications go ({@link PushNotifier#NONE}: nowhere)
 */
public record SessionDeps(
    SessionSettings settings,
    Clock clock,
    SessionBroadcasts broadcasts,
    CallbackSink callbacks,
    PushNotifier notifier) {

  public SessionDeps {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(broadcasts, "broadcasts");
    Objects.requireNonNull(callbacks, "callbacks");
    Objects.requireNonNull(notifier, "notifier");
  }

  /** These settings on the system clock, without broadcasts, callbacks or notifications. */
  public static SessionDeps of(SessionSettings settings) {
    return new SessionDeps(
        settings,
        Clock.systemUTC(),
        SessionBroadcasts.none(),
        CallbackSink.NONE,
        PushNotifier.NONE);
  }

  public SessionDeps withClock(Clock clock) {
    return new SessionDeps(settings, clock, broadcasts, callbacks, notifier);
  }

  public SessionDeps withBroadcasts(SessionBroadcasts broadcasts) {
    return new SessionDeps(settings, clock, broadcasts, callbacks, notifier);
  }

  public SessionDeps withCallbacks(CallbackSink callbacks) {
    return new SessionDeps(settings, clock, broadcasts, callbacks, notifier);
  }

  public SessionDeps withNotifier(PushNotifier notifier) {
    return new SessionDeps(settings, clock, broadcasts, callbacks, notifier);
  }
}
