package io.pushgate.notify;

import io.pushgate.model.CborSerializable;
import java.util.Objects;

/**
 * One device of a user that can be notified through a mobile push provider. Stored durably with the
 * user's session (at most {@code pushgate.session.max-devices}).
 *
 * @param id chosen by the app (e.g. an installation id), unique per user
 * @param platform which provider reaches it
 * @param token the provider's registration / device token; a secret: never logged ({@link
 *     #toString()} leaves it out)
 * @param topic APNs only: the app's bundle id ({@code apns-topic}); null for FCM, or to use the
 *     app's configured default
 * @param registeredAtMillis when it was (last) registered
 */
public record Device(
    String id, Platform platform, String token, String topic, long registeredAtMillis)
    implements CborSerializable {

  /** Longest device id. */
  public static final int MAX_ID_LENGTH = 128;

  /** Longest token (FCM tokens are ~160 characters, APNs tokens 64 hex digits). */
  public static final int MAX_TOKEN_LENGTH = 4096;

  public Device {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(token, "token");
  }

  /** The last four characters of the token, enough to tell devices apart in a console or log. */
  public String tokenHint() {
    return token.length() <= 4 ? "…" : "…" + token.substring(token.length() - 4);
  }

  @Override
  public String toString() {
    return "Device[" + id + ", " + platform.wireName() + ", token " + tokenHint() + "]";
  }
}
