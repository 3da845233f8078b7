package io.pushgate.model;

import java.util.Objects;

/**
 * One message addressed to one session, as accepted by the API.
 *
 * @param id        stable message id, assigned by the API; clients de-duplicate redeliveries with it
 * @param qos       delivery guarantee
 * @param data      the payload: one JSON value, already serialized (spliced verbatim into push frames);
 *                  its size is bounded by the API ({@code pushgate.api.max-payload-bytes})
 * @param acceptedAtMillis epoch millis when the API accepted it
 * @param expiresAtMillis  epoch millis after which it is never delivered
 */
public record PushMessage(String id, Qos qos, String data, long acceptedAtMillis, long expiresAtMillis)
    implements CborSerializable {

  public PushMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(data, "data");
  }

  public boolean isExpired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /** Approximate bytes this message holds in memory and in the journal. */
  public int weight() {
    return data.length() + id.length() + 32;
  }
}
