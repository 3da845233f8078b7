package io.pushgate.model;

import io.pushgate.notify.Notification;
import java.util.Objects;

/**
 * One message addressed to one session, as accepted by the API.
 *
 * @param id stable message id, assigned by the API; clients de-duplicate redeliveries with it
 * @param qos delivery guarantee
 * @param data the payload: one JSON value, already serialized (spliced verbatim into push frames);
 *     its size is bounded by the API ({@code pushgate.api.max-payload-bytes})
 * @param acceptedAtMillis epoch millis when the API accepted it
 * @param expiresAtMillis epoch millis after which it is never delivered
 * @param collapseKey optional (null): a QoS 1 message with a collapse key replaces the pending,
 *     unacked message of the same session with the same key; at most {@link
 *     #MAX_COLLAPSE_KEY_LENGTH} characters
 * @param notification optional (null): QoS 1 only; what the user's devices show through their
 *     mobile push providers when the user is away (docs/push.md)
 */
public record PushMessage(
    String id,
    Qos qos,
    String data,
    long acceptedAtMillis,
    long expiresAtMillis,
    String collapseKey,
    Notification notification)
    implements CborSerializable {

  /** Longest accepted collapse key. */
  public static final int MAX_COLLAPSE_KEY_LENGTH = 128;

  public PushMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(data, "data");
    if (collapseKey != null && collapseKey.length() > MAX_COLLAPSE_KEY_LENGTH) {
      throw new IllegalArgumentException("collapse key longer than " + MAX_COLLAPSE_KEY_LENGTH);
    }
  }

  /** A message without notification. */
  public PushMessage(
      String id,
      Qos qos,
      String data,
      long acceptedAtMillis,
      long expiresAtMillis,
      String collapseKey) {
    this(id, qos, data, acceptedAtMillis, expiresAtMillis, collapseKey, null);
  }

  /** A message without collapse key. */
  public PushMessage(String id, Qos qos, String data, long acceptedAtMillis, long expiresAtMillis) {
    this(id, qos, data, acceptedAtMillis, expiresAtMillis, null, null);
  }

  public boolean isExpired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /** Approximate bytes this message holds in memory and in the journal. */
  public int weight() {
    return data.length() + id.length() + 32;
  }
}
