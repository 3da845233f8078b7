package io.pushgate.callback;

import java.time.Duration;

/**
 * Where sessions and gateways hand status callback events to be delivered to the apps' backends
 * (implemented by the api module's webhooks). Thread-safe; no method blocks or does I/O: an event
 * is queued (bounded, oldest dropped) and sent later, so callbacks never slow a connection, an ack
 * or a send.
 */
public interface CallbackSink {

  /** True if the app subscribed to events of this type (checked before building one). */
  boolean wants(String app, CallbackEventType type);

  /** Queues the event for its app's endpoint; drops it silently if the app does not want it. */
  void offer(CallbackEvent event);

  /** How long a session must have no connection before {@code offline} is sent (debounce). */
  Duration offlineDelay(String app);

  /** A sink that wants nothing (tests, nodes without callbacks). */
  CallbackSink NONE =
      new CallbackSink() {
        @Override
        public boolean wants(String app, CallbackEventType type) {
          return false;
        }

        @Override
        public void offer(CallbackEvent event) {}

        @Override
        public Duration offlineDelay(String app) {
          return Duration.ofSeconds(3);
        }
      };
}
