package io.pushgate.notify;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions hand notifications for mobile push providers (implemented by the api module's
 * {@code io.pushgate.api.push}). Thread-safe; no method blocks or does I/O: a request is queued
 * (bounded per app and node; past the bound its devices are answered {@link
 * DeviceOutcome.Result#DROPPED}) and sent later, so a slow or dead provider never slows delivery.
 */
public interface PushNotifier {

  /**
   * How long after accept a QoS 1 message that is still unacked is notified although its user was
   * connected; empty when the app has no provider configured (its messages are never notified).
   */
  Optional<Duration> notifyAfter(String app);

  /**
   * Sends the notification to each device, retrying as the provider allows. Completes (never fails)
   * with one outcome per device, in the request's order.
   */
  CompletionStage<List<DeviceOutcome>> send(NotificationRequest request);

  /** A notifier for nodes without mobile push: no app is configured. */
  PushNotifier NONE =
      new PushNotifier() {
        @Override
        public Optional<Duration> notifyAfter(String app) {
          return Optional.empty();
        }

        @Override
        public CompletionStage<List<DeviceOutcome>> send(NotificationRequest request) {
          return CompletableFuture.completedFuture(List.of());
        }
      };
}
