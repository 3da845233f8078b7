package io.pushgate.api.upstream;

/**
 * One app's upstream counters on this node since it started ({@code GET /v1/apps/{app}/upstream}).
 *
 * @param inFlight requests waiting for the backend now
 * @param forwarded requests sent to the backend
 * @param ok of them, answered 2xx
 * @param rejected answered with another status ({@code upstream_rejected})
 * @param failed not answered, refused or circuit open ({@code upstream_unavailable})
 * @param notAllowed refused for their type ({@code upstream_not_allowed})
 * @param busy refused because {@code max-in-flight-per-app} were in flight
 * @param replies replies queued to users
 * @param circuit {@code closed}, {@code open} or {@code half-open}
 * @param lastError the last failure or rejection ({@code ""} if none)
 */
public record UpstreamStats(
    String app,
    long inFlight,
    long forwarded,
    long ok,
    long rejected,
    long failed,
    long notAllowed,
    long busy,
    long replies,
    String circuit,
    String lastError) {}
