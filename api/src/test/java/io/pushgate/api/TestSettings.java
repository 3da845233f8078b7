package io.pushgate.api;

import java.time.Duration;

/** Settings for tests: the documented defaults unless a test needs otherwise. */
final class TestSettings {

  private TestSettings() {}

  static ApiSettings defaults() {
    return new ApiSettings(
        4096,
        1000,
        Duration.ofSeconds(5),
        256,
        512,
        Duration.ofHours(1),
        Duration.ofDays(7),
        100,
        Duration.ofSeconds(10));
  }

  static ApiSettings with(int maxRecipients, int enqueueParallelism, int maxConcurrentRequests, Duration askTimeout) {
    ApiSettings d = defaults();
    return new ApiSettings(
        d.maxPayloadBytes(),
        maxRecipients,
        askTimeout,
        enqueueParallelism,
        maxConcurrentRequests,
        d.defaultTokenTtl(),
        d.maxTokenTtl(),
        d.maxBatchMessages(),
        d.bodyReadTimeout());
  }
}
