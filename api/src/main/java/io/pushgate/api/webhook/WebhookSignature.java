package io.pushgate.api.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Pushgate-Signature} header of a callback request: {@code t=<unix seconds>,v1=<hex>}
 * where {@code v1} is HMAC-SHA256 with the app's callback secret over {@code "<t>." + body}
 * (docs/api.md, "Status callbacks" has a verification snippet). Signing the timestamp lets
 * receivers refuse replays older than their tolerance. Pure and thread-safe.
 */
public final class WebhookSignature {

  public static final String HEADER = "Pushgate-Signature";

  private WebhookSignature() {}

  public static String header(byte[] secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
  }

  /**
   * What a receiver does: true if {@code header} carries a valid v1 signature of {@code body} made
   * within {@code toleranceSeconds} of {@code nowSeconds}.
   */
  public static boolean verify(
      byte[] secret, String header, byte[] body, long nowSeconds, long toleranceSeconds) {
    if (header == null) return false;
    long t = -1;
    String v1 = null;
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) {
        try {
          t = Long.parseLong(p.substring(2));
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (p.startsWith("v1=")) {
        v1 = p.substring(3);
      }
    }
    if (t < 0 || v1 == null || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
    byte[] expected =
        HexFormat.of().formatHex(hmac(secret, t, body)).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] hmac(byte[] secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e); // every JDK has it
    }
  }
}
