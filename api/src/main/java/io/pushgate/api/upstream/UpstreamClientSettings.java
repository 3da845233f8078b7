package io.pushgate.api.upstream;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How upstream data is forwarded to the apps' backends, from {@code pushgate.upstream}
 * (reference.conf; docs/configuration.md). Immutable.
 *
 * @param requestTimeout a backend that does not answer within this: {@code upstream_unavailable} (5
 *     s)
 * @param maxInFlightPerApp upstream requests of one app in flight on this node; past it {@code
 *     upstream_busy} (1,000)
 * @param maxResponseBytes largest 2xx body read from a backend (64 KiB); a larger one is a failure
 * @param maxReplyBytes largest {@code reply} (compact JSON) pushed back to the user (4 KiB); a
 *     larger one is not delivered ({@code replyError: payload_too_large})
 * @param replyTimeout how long queueing the reply in the user's session may take (5 s)
 * @param maxConnections connections per backend host (32)
 * @param breakerMaxFailures failed requests in a row (no answer, or 5xx) that open the app's
 *     circuit (5)
 * @param breakerResetTimeout how long it stays open before a trial request (10 s)
 */
public record UpstreamClientSettings(
    Duration requestTimeout,
    int maxInFlightPerApp,
    long maxResponseBytes,
    int maxReplyBytes,
    Duration replyTimeout,
    int maxConnections,
    int breakerMaxFailures,
    Duration breakerResetTimeout) {

  public UpstreamClientSettings {
    if (maxInFlightPerApp < 1)
      throw new IllegalArgumentException("pushgate.upstream.max-in-flight-per-app must be >= 1");
    if (maxConnections < 1)
      throw new IllegalArgumentException("pushgate.upstream.max-connections must be >= 1");
    if (breakerMaxFailures < 1)
      throw new IllegalArgumentException("pushgate.upstream.breaker.max-failures must be >= 1");
  }

  public static UpstreamClientSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.upstream");
    return new UpstreamClientSettings(
        c.getDuration("request-timeout"),
        c.getInt("max-in-flight-per-app"),
        c.getBytes("max-response-bytes"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-reply-bytes")),
        c.getDuration("reply-timeout"),
        c.getInt("max-connections"),
        c.getInt("breaker.max-failures"),
        c.getDuration("breaker.reset-timeout"));
  }
}
