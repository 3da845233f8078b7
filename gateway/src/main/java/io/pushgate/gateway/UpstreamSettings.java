package io.pushgate.gateway;

import com.typesafe.config.Config;

/**
 * Per-connection bounds of upstream data ({@code {"t":"up"}}), from {@code
 * pushgate.gateway.upstream} (reference.conf, docs/protocol.md "Upstream").
 *
 * @param rate up frames per second and burst per connection; past it {@code rate_limited} (the
 *     frame is refused, the connection stays open). Every up frame also counts against {@code
 *     inbound-rate}.
 * @param maxInFlight up frames of one connection waiting for their backend; past it {@code
 *     upstream_busy}
 * @param maxDataBytes largest {@code data} (compact JSON, UTF-8 bytes); past it {@code
 *     payload_too_large}
 */
public record UpstreamSettings(FrameRate rate, int maxInFlight, int maxDataBytes) {

  public UpstreamSettings {
    if (maxInFlight < 1)
      throw new IllegalArgumentException("pushgate.gateway.upstream.max-in-flight must be >= 1");
    if (maxDataBytes < 1)
      throw new IllegalArgumentException("pushgate.gateway.upstream.max-data-bytes must be >= 1");
  }

  public static UpstreamSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.gateway.upstream");
    return new UpstreamSettings(
        new FrameRate(c.getInt("rate"), c.getInt("burst")),
        c.getInt("max-in-flight"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-data-bytes")));
  }
}
