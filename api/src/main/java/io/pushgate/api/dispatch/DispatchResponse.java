package io.pushgate.api.dispatch;

import java.util.List;

/** Body of {@code GET /v1/dispatch}: endpoints to try in order, and the backoff between tries. */
public record DispatchResponse(List<String> endpoints, Reconnect reconnect) {

  /** The reconnect policy on the wire, in milliseconds. */
  public record Reconnect(long baseMillis, double factor, double jitter, long maxMillis) {
    public static Reconnect of(ReconnectPolicy policy) {
      return new Reconnect(
          policy.base().toMillis(), policy.factor(), policy.jitter(), policy.max().toMillis());
    }
  }

  public static DispatchResponse of(List<String> endpoints, ReconnectPolicy policy) {
    return new DispatchResponse(endpoints, Reconnect.of(policy));
  }
}
