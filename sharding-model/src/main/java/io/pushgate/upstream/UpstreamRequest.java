package io.pushgate.upstream;

/**
 * Data a client sent upstream ({@code {"t":"up",...}}, docs/protocol.md), with who sent it, on its
 * way to the app's backend.
 *
 * @param id the client's id of the frame (echoed in {@code upack}); unique per connection is
 *     enough, the client chooses it
 * @param app the app the frame is for (the hello app or a bound one)
 * @param user the user of that app's session
 * @param connection the connection id of the binding
 * @param node the gateway node's cluster address
 * @param type the client's type of data (routes it to the app's URL for that type)
 * @param data the frame's {@code data}, compact JSON
 * @param atMillis when the gateway received it
 */
public record UpstreamRequest(
    String id,
    String app,
    String user,
    String connection,
    String node,
    String type,
    String data,
    long atMillis) {}
