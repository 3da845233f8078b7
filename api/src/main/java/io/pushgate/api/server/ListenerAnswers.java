package io.pushgate.api.server;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The answers the API listener gives itself, made by the API so they have its problem format.
 * Each must have a strict entity; {@code refused} and {@code stopping} should carry
 * {@code Connection: close} and {@code Retry-After}.
 *
 * @param requestTimeout a request head not received within {@code request-read-timeout} (408)
 * @param malformed a connection that does not start with an HTTP request (400)
 * @param refused a request on a connection past {@code max-connections} (503)
 * @param stopping a request that arrives while the node stops (503)
 */
public record ListenerAnswers(HttpResponse requestTimeout, HttpResponse malformed, HttpResponse refused, HttpResponse stopping) {}
