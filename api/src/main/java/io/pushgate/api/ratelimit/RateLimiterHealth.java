package io.pushgate.api.ratelimit;

/** Whether the shared rate limit is served locally because Redis cannot be reached. */
public interface RateLimiterHealth {

  /** True while sends are limited by this node's local buckets instead of the shared ones. */
  boolean degraded();
}
