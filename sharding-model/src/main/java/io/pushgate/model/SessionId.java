package io.pushgate.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identity of one session: one user of one app. A user on several devices is several sessions only
 * if the backend gives each device its own user id.
 *
 * <p>Limits (part of the public API contract, see docs/api.md):
 *
 * <ul>
 *   <li>app id: 1..32 characters of {@code [a-z0-9_-]}, starting with a letter or digit;
 *   <li>user id: 1..128 characters of {@code [A-Za-z0-9._@+=-]} (no ':' and no '/').
 * </ul>
 *
 * The sharding entity id is {@code app:user}; the separator cannot occur in either part.
 */
public record SessionId(String app, String user) implements CborSerializable {

  /** Documented character set and length of app ids. */
  public static final Pattern APP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** Documented character set and length of user ids. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@+=-]{1,128}");

  public SessionId {
    if (!isValidApp(app)) throw new IllegalArgumentException("invalid app id: " + app);
    if (!isValidUser(user)) throw new IllegalArgumentException("invalid user id: " + user);
  }

  /** Whether {@code app} matches {@link #APP_ID} (checked by hand: this runs on every send). */
  public static boolean isValidApp(String app) {
    if (app == null || app.isEmpty() || app.length() > 32) return false;
    for (int i = 0; i < app.length(); i++) {
      char c = app.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
      if (!ok) return false;
    }
    return true;
  }

  /** Whether {@code user} matches {@link #USER_ID} (checked by hand: this runs on every send). */
  public static boolean isValidUser(String user) {
    if (user == null || user.isEmpty() || user.length() > 128) return false;
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '@'
              || c == '+'
              || c == '='
              || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  /** The sharding entity id, {@code app:user}. */
  public String entityId() {
    return app + ":" + user;
  }

  /** Parses an entity id produced by {@link #entityId()}; empty if it is not one. */
  public static Optional<SessionId> fromEntityId(String entityId) {
    int colon = entityId.indexOf(':');
    if (colon < 0) return Optional.empty();
    String app = entityId.substring(0, colon);
    String user = entityId.substring(colon + 1);
    if (!isValidApp(app) || !isValidUser(user)) return Optional.empty();
    return Optional.of(new SessionId(app, user));
  }

  @Override
  public String toString() {
    return entityId();
  }
}
