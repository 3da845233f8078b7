package io.pushgate.api.dto;

import io.pushgate.model.Qos;
import java.time.Duration;

/**
 * A validated {@code POST /v1/apps/{app}/broadcasts} body.
 *
 * @param qos 1 (stored in the app's broadcast log, delivered to every existing session, acked) or 0
 *     (online connections only, never stored); default 1
 * @param ttl whole seconds in 1..max-ttl (default default-ttl)
 * @param data the payload as compact JSON, at most max-payload-bytes UTF-8 bytes
 * @param collapseKey optional (null, QoS 1 only): replaces the app's live broadcast with that key
 */
public record BroadcastRequest(Qos qos, Duration ttl, String data, String collapseKey) {}
