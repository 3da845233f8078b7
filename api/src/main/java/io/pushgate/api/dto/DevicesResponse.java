package io.pushgate.api.dto;

import io.pushgate.notify.Device;
import java.time.Instant;
import java.util.List;

/**
 * Body of the device endpoints: a user's devices, oldest registration first. Tokens are secrets of
 * the user's device: only their last four characters are shown ({@code tokenHint}).
 */
public record DevicesResponse(String user, List<View> devices) {

  /** One device as the API shows it. */
  public record View(
      String id, String platform, String topic, String tokenHint, String registeredAt) {}

  public static DevicesResponse of(String user, List<Device> devices) {
    return new DevicesResponse(
        user,
        devices.stream()
            .map(
                d ->
                    new View(
                        d.id(),
                        d.platform().wireName(),
                        d.topic(),
                        d.tokenHint(),
                        Instant.ofEpochMilli(d.registeredAtMillis()).toString()))
            .toList());
  }
}
