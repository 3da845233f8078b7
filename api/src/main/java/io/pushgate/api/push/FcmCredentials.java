package io.pushgate.api.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushgate.api.ApiJson;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;

/**
 * A Firebase service account, as the JSON file the Firebase console downloads ({@code project_id},
 * {@code client_email}, {@code private_key_id}, {@code private_key}, {@code token_uri}). {@link
 * #toString()} leaves the key out.
 */
record FcmCredentials(
    String projectId,
    String clientEmail,
    String privateKeyId,
    RSAPrivateKey privateKey,
    String tokenUri) {

  /**
   * @throws IllegalArgumentException naming the missing field (never a value)
   */
  static FcmCredentials fromJson(String json, String what) {
    JsonNode root = ApiJson.parse(json.getBytes(StandardCharsets.UTF_8));
    return new FcmCredentials(
        field(root, "project_id", what),
        field(root, "client_email", what),
        root.path("private_key_id").asText(""),
        (RSAPrivateKey)
            PemKeys.privateKey(field(root, "private_key", what), "RSA", what + " private_key"),
        root.path("token_uri").asText("https://oauth2.googleapis.com/token"));
  }

  private static String field(JsonNode root, String name, String what) {
    String value = root.path(name).asText("");
    if (value.isEmpty()) throw new IllegalArgumentException(what + " has no \"" + name + "\"");
    return value;
  }

  @Override
  public String toString() {
    return "FcmCredentials[" + projectId + ", " + clientEmail + "]";
  }
}
