package io.pushgate.gateway.http;

import java.util.List;
import java.util.Map;

/**
 * A complete, transport-neutral HTTP request.
 *
 * @param method  e.g. {@code "POST"}
 * @param uri     path and query as received, e.g. {@code "/v1/apps/demo/messages?x=1"}
 * @param headers header name/value pairs in arrival order (names as sent)
 * @param body    the whole body (empty array if none)
 * @param remoteAddress the peer's IP address as text
 */
public record SimpleHttpRequest(
    String method, String uri, List<Map.Entry<String, String>> headers, byte[] body, String remoteAddress) {}
