package io.pushgate.api;

import java.time.Duration;

/** Settings for tests: the documented defaults unless a test needs otherwise. */
final class ApiTestSettings {

  private ApiTestSettings() {}

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
        4096,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10));
  }

  static ApiSettings with(
      int maxRecipients, int enqueueParallelism, int maxConcurrentRequests, Duration askTimeout) {
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
        d.maxQueuedRequests(),
        d.maxQueueWait(),
        d.bodyReadTimeout());
  }

  /**
   * The defaults with another concurrency bound and queue ({@code max-queued-requests}, {@code
   * max-queue-wait}).
   */
  static ApiSettings withQueue(
      int maxConcurrentRequests, int maxQueuedRequests, Duration maxQueueWait) {
    ApiSettings d = defaults();
    return new ApiSettings(
        d.maxPayloadBytes(),
        d.maxRecipients(),
        d.askTimeout(),
        d.enqueueParallelism(),
        maxConcurrentRequests,
        d.defaultTokenTtl(),
        d.maxTokenTtl(),
        d.maxBatchMessages(),
        maxQueuedRequests,
        maxQueueWait,
        d.bodyReadTimeout());
  }
}
