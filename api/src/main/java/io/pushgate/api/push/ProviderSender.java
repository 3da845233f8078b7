package io.pushgate.api.push;

import io.pushgate.notify.Device;
import io.pushgate.notify.NotificationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletionStage;

/** Sends one notification to one device through one provider, in that provider's request shape. */
interface ProviderSender {

  /**
   * One try. Completes with the provider's answer classified; fails only when no answer came
   * (timeout, connection), which the caller retries like {@link ProviderAnswer.Kind#RETRY}.
   */
  CompletionStage<ProviderAnswer> send(NotificationRequest request, Device device);

  /**
   * HTTP/2 (negotiated with ALPN) for {@code https} URLs, as the providers serve them; HTTP/1.1 for
   * a plain {@code http} URL (a local proxy or test server), without the JDK's h2c upgrade attempt.
   */
  static HttpClient.Version versionFor(URI url) {
    return "https".equalsIgnoreCase(url.getScheme())
        ? HttpClient.Version.HTTP_2
        : HttpClient.Version.HTTP_1_1;
  }
}
