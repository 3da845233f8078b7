package io.pushgate.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identity of one session: one user of one app. A user on several devices is
 * several sessions only if the backend gives each device its own user id.
 *
 * <p>Limits (part of the public API contract, see docs/api.md):
 * <ul>
 *   <li>app id: 1..32 characters of {@code [a-z0-9_-]}, starting with a letter or digit;</li>
 *   <li>user id: 1..128 characters of {@code [A-Za-z0-9._@+=-]} (no ':' and no '/').</li>
 * </ul>
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

  public static boolean isValidApp(String app) {
    return app != null && APP_ID.matcher(app).matches();
  }

  public static boolean isValidUser(String user) {
    return user != null && USER_ID.matcher(user).matches();
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
