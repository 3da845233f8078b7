package io.pushgate.api;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Limits and timeouts of the backend API, read from {@code pushgate.api} (reference.conf documents
 * every key, its default and its {@code PUSHGATE_API_*} override). Message TTL bounds are per app
 * ({@link io.pushgate.model.AppLimits}).
 *
 * @param maxPayloadBytes largest compact UTF-8 JSON serialization of {@code data} (default 4096)
 * @param maxRecipients most entries in {@code to} (default 1000)
 * @param askTimeout how long one session ask may take (default 5 s)
 * @param enqueueParallelism most session asks in flight for one message request (default 256)
 * @param maxConcurrentRequests most session-bound requests served at once (default 512)
 * @param defaultTokenTtl client token lifetime when the request has none (default 1 h)
 * @param maxTokenTtl longest client token lifetime (default 7 days)
 * @param maxBatchMessages most messages in one batch send (default 100)
 * @param maxQueuedRequests past maxConcurrentRequests, most that wait for a slot (default 4096)
 * @param maxQueueWait longest a request waits for a slot before 503 (default 5 s)
 * @param bodyReadTimeout a request body must arrive within this of its head ({@code
 *     pushgate.api.http.request-read-timeout}, default 10 s)
 */
public record ApiSettings(
    int maxPayloadBytes,
    int maxRecipients,
    Duration askTimeout,
    int enqueueParallelism,
    int maxConcurrentRequests,
    Duration defaultTokenTtl,
    Duration maxTokenTtl,
    int maxBatchMessages,
    int maxQueuedRequests,
    Duration maxQueueWait,
    Duration bodyReadTimeout) {

  public ApiSettings {
    if (maxPayloadBytes < 1) throw new IllegalArgumentException("max-payload-bytes must be >= 1");
    if (maxRecipients < 1) throw new IllegalArgumentException("max-recipients must be >= 1");
    requirePositive("ask-timeout", askTimeout);
    if (enqueueParallelism < 1)
      throw new IllegalArgumentException("enqueue-parallelism must be >= 1");
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("max-concurrent-requests must be >= 1");
    }
    requireSeconds("default-token-ttl", defaultTokenTtl);
    requireSeconds("max-token-ttl", maxTokenTtl);
    if (defaultTokenTtl.compareTo(maxTokenTtl) > 0) {
      throw new IllegalArgumentException("default-token-ttl exceeds max-token-ttl");
    }
    if (maxBatchMessages < 1) throw new IllegalArgumentException("max-batch-messages must be >= 1");
    if (maxQueuedRequests < 0)
      throw new IllegalArgumentException("max-queued-requests must be >= 0");
    requirePositive("max-queue-wait", maxQueueWait);
    requirePositive("http.request-read-timeout", bodyReadTimeout);
  }

  /** Reads {@code pushgate.api} from a config that includes this module's reference.conf. */
  public static ApiSettings fromConfig(Config config) {
    Config c = config.getConfig("pushgate.api");
    return new ApiSettings(
        c.getInt("max-payload-bytes"),
        c.getInt("max-recipients"),
        c.getDuration("ask-timeout"),
        c.getInt("enqueue-parallelism"),
        c.getInt("max-concurrent-requests"),
        c.getDuration("default-token-ttl"),
        c.getDuration("max-token-ttl"),
        c.getInt("max-batch-messages"),
        c.getInt("max-queued-requests"),
        c.getDuration("max-queue-wait"),
        c.getDuration("http.request-read-timeout"));
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative())
      throw new IllegalArgumentException(key + " must be > 0");
  }

  /** TTLs travel as whole seconds in the API, so they must be at least one second. */
  private static void requireSeconds(String key, Duration d) {
    requirePositive(key, d);
    if (d.getSeconds() < 1) throw new IllegalArgumentException(key + " must be >= 1 second");
  }
}
