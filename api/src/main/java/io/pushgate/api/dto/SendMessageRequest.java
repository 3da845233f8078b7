package io.pushgate.api.dto;

import io.pushgate.model.Qos;
import io.pushgate.notify.Notification;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@code POST /v1/apps/{app}/messages} body.
 *
 * @param to the recipients' user ids: valid, without duplicates, in request order,
 *     1..max-recipients
 * @param qos delivery guarantee (default 1)
 * @param ttl time to live, whole seconds in 1..max-ttl (default default-ttl)
 * @param data the payload as compact JSON, at most max-payload-bytes UTF-8 bytes
 * @param collapseKey optional (null): replaces the recipient's pending message with the same key
 * @param notification optional (null): QoS 1 only; shown by the recipients' devices when they are
 *     away
 */
public record SendMessageRequest(
    List<String> to,
    Qos qos,
    Duration ttl,
    String data,
    String collapseKey,
    Notification notification) {

  public SendMessageRequest {
    to = List.copyOf(to);
  }
}
