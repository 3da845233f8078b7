package io.pushgate.api.server;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The answers the API listener gives itself, made by the API so they have its problem format. Each
 * must have a strict entity; {@code overConnections} and {@code stopping} should carry {@code
 * Connection: close} and {@code Retry-After}.
 *
 * @param slowRequest a request head not received within {@code request-read-timeout} (408)
 * @param malformed a connection that does not start with an HTTP request (400)
 * @param overConnections a request on a connection past {@code max-connections} (503)
 * @param stopping a request that arrives while the node stops (503)
 * @param notAnswered a request not answered within {@code request-timeout} (503)
 */
public record ListenerAnswers(
    HttpResponse slowRequest,
    HttpResponse malformed,
    HttpResponse overConnections,
    HttpResponse stopping,
    HttpResponse notAnswered) {}
