package io.pushgate.api.webhook;

import java.util.List;

/**
 * One app's callback counters on this node, since it started (the operator view, {@code GET
 * /v1/apps/{app}/callbacks}; docs/api.md, "Status callbacks").
 *
 * @param queued events waiting now (at most {@code queue-size})
 * @param offered events raised for the app
 * @param sent events delivered (their POST got 2xx)
 * @param requests POSTs made, retries included
 * @param retried POSTs that were retries of a failed one
 * @param failed events given up on after {@code max-attempts}
 * @param dropped events dropped, oldest first, because the queue was full
 * @param circuit the endpoint's circuit breaker: {@code closed}, {@code open} or {@code half-open}
 * @param lastError the last failure ({@code ""} if none)
 */
public record WebhookStats(
    String app,
    String url,
    List<String> events,
    long queued,
    long offered,
    long sent,
    long requests,
    long retried,
    long failed,
    long dropped,
    String circuit,
    String lastError) {}
