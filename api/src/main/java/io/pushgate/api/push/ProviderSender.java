package io.pushgate.api.push;

import io.pushgate.notify.Device;
import io.pushgate.notify.NotificationRequest;
import java.util.concurrent.CompletionStage;

/** Sends one notification to one device through one provider, in that provider's request shape. */
interface ProviderSender {

  /**
   * One try. Completes with the provider's answer classified; fails only when no answer came
   * (timeout, connection), which the caller retries like {@link ProviderAnswer.Kind#RETRY}.
   */
  CompletionStage<ProviderAnswer> send(NotificationRequest request, Device device);
}
