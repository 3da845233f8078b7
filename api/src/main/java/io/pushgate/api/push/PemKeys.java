package io.pushgate.api.push;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the PKCS#8 PEM private keys providers hand out (FCM service accounts: RSA; APNs {@code
 * .p8}: EC).
 */
final class PemKeys {

  private PemKeys() {}

  /**
   * @param algorithm {@code RSA} or {@code EC}
   * @throws IllegalArgumentException naming {@code what} (never the key) when it cannot be read
   */
  static PrivateKey privateKey(String pem, String algorithm, String what) {
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          what + " is not a PKCS#8 PEM " + algorithm + " private key", e);
    }
  }
}
