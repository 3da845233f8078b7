package io.pushgate.auth;

import java.time.Instant;
import java.util.List;

/** Result of {@link ClientTokens#verify}. */
public sealed interface TokenVerification {

  /** The token is authentic and current; {@code user} is a valid user id of the app. */
  record Valid(String user, Instant expiresAt, List<String> topicPatterns)
      implements TokenVerification {

    public Valid {
      topicPatterns = topicPatterns == null ? List.of() : List.copyOf(topicPatterns);
    }

    /** A token that grants no topics. */
    public Valid(String user, Instant expiresAt) {
      this(user, expiresAt, List.of());
    }
  }

  /**
   * The token must be refused.
   *
   * @param reason short human-readable cause (e.g. {@code "token expired"}); never contains the
   *     token or the secret
   */
  record Invalid(String reason) implements TokenVerification {}
}
