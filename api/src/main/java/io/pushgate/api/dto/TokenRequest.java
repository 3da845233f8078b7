package io.pushgate.api.dto;

import java.time.Duration;
import java.util.List;

/**
 * A validated {@code POST /v1/apps/{app}/tokens} body.
 *
 * @param user the user id the token is for (valid per {@code SessionId.USER_ID})
 * @param ttl token lifetime, whole seconds in 1..max-token-ttl (default default-token-ttl)
 * @param topics topic patterns the client may subscribe to (claim {@code topics}); empty: none
 */
public record TokenRequest(String user, Duration ttl, List<String> topics) {

  public TokenRequest {
    topics = topics == null ? List.of() : List.copyOf(topics);
  }
}
