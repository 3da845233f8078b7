package io.pushgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A message's fields as a typed request carries them (the gRPC API), before validation by {@link
 * RequestParser#message}; each null where absent.
 *
 * @param to the recipients as sent (duplicates and bad ids are the parser's to find)
 * @param qos the QoS level as sent
 * @param ttl seconds as sent
 * @param data the payload as JSON text; empty is absent
 * @param collapseKey as sent
 * @param notification the notification as the JSON object the HTTP API takes (so it passes the same
 *     checks), or null
 */
public record MessageFields(
    List<String> to, Long qos, Long ttl, String data, String collapseKey, JsonNode notification) {}
