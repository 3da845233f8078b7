package io.pushgate.api;

import java.time.Duration;

/**
 * A validated {@code POST /v1/apps/{app}/tokens} body.
 *
 * @param user the user id the token is for (valid per {@code SessionId.USER_ID})
 * @param ttl  token lifetime, whole seconds in 1..max-token-ttl (default default-token-ttl)
 */
public record TokenRequest(String user, Duration ttl) {}
