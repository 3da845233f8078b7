package io.pushgate.api.server;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/**
 * Renders a response as HTTP/1.1 bytes with {@code Connection: close}, for the answers the {@link
 * ConnectionGuard} writes to the socket itself (below Pekko's HTTP layer). Done once per listener,
 * never per request.
 */
final class RawResponse {

  private RawResponse() {}

  /** {@code response}, which must have a strict entity, as bytes on the wire. */
  static ByteString render(HttpResponse response, String server) {
    if (!(response.entity() instanceof HttpEntity.Strict strict)) {
      throw new IllegalArgumentException("a raw response needs a strict entity");
    }
    StringBuilder head =
        new StringBuilder(256)
            .append("HTTP/1.1 ")
            .append(response.status().intValue())
            .append(' ')
            .append(response.status().reason())
            .append("\r\n")
            .append("Server: ")
            .append(server)
            .append("\r\n");
    for (HttpHeader header : response.getHeaders()) {
      head.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    head.append("Content-Type: ")
        .append(strict.getContentType())
        .append("\r\n")
        .append("Content-Length: ")
        .append(strict.getData().length())
        .append("\r\n")
        .append("Connection: close\r\n\r\n");
    return ByteString.fromString(head.toString(), StandardCharsets.US_ASCII)
        .concat(strict.getData());
  }
}
