package io.pushgate.gateway.http;

import java.util.List;
import java.util.Map;

/**
 * A complete HTTP response.
 *
 * @param status      HTTP status code
 * @param contentType full content type, e.g. {@code "application/problem+json"}; null if no body
 * @param headers     extra headers (not Content-Type / Content-Length)
 * @param body        the whole body
 */
public record SimpleHttpResponse(
    int status, String contentType, List<Map.Entry<String, String>> headers, byte[] body) {}
