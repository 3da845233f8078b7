package io.pushgate.api;

import java.time.Duration;

/**
 * A validated {@code POST /v1/apps/{app}/tokens} body.
 *
 * @param user the user id the token is for (valid per {@code SessionId.USER_ID})
 * @param ttl token lifetime, whole seconds in 1..max-token-ttl (default default-token-ttl)
 * @param topics topic patterns the client may subscribe to (claim {@code topics}); empty: none
 */
public record TokenRequest(String user, Duration ttl, java.util.List<String> topics) {

  public TokenRequest {
    topics = topics == null ? java.util.List.of() : java.util.List.copyOf(topics);
  }
}
