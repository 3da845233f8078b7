package io.pushgate.api.push;

import java.security.interfaces.ECPrivateKey;

/**
 * APNs token-based authentication: the {@code .p8} signing key, its key id and the team id, and the
 * app's default topic (bundle id). {@link #toString()} leaves the key out.
 */
record ApnsCredentials(String keyId, String teamId, ECPrivateKey key, String topic) {

  @Override
  public String toString() {
    return "ApnsCredentials[" + keyId + ", " + teamId + ", " + topic + "]";
  }
}
