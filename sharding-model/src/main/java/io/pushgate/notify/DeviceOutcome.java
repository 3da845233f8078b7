package io.pushgate.notify;

import io.pushgate.model.CborSerializable;
import java.util.Locale;

/**
 * What became of one device's notification of one message.
 *
 * @param reason a stable code for why (e.g. {@code Unregistered}, {@code UNREGISTERED}, {@code
 *     queue_full}, {@code circuit_open}, {@code http_503}), or null when sent
 */
public record DeviceOutcome(
    String deviceId, Platform platform, Result result, String reason, long atMillis)
    implements CborSerializable {

  public enum Result {
    /** Handed to the provider; its answer is not in yet. */
    PENDING,
    /** The provider accepted it. */
    SENT,
    /** The provider said the token is no longer valid; the device was removed. */
    UNREGISTERED,
    /** The provider refused it or could not be reached (after retries). */
    FAILED,
    /**
     * Not sent: the node's queue for the app was full, the provider's circuit was open, or no
     * provider is configured for the device's platform.
     */
    DROPPED
  }

  public static DeviceOutcome pending(Device device, long atMillis) {
    return new DeviceOutcome(device.id(), device.platform(), Result.PENDING, null, atMillis);
  }

  /** The wire name of the result: {@code sent}, {@code failed}, ... */
  public String resultName() {
    return result.name().toLowerCase(Locale.ROOT);
  }
}
