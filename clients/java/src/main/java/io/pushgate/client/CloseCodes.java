package io.pushgate.client;

import java.util.Set;

/**
 * What a close code tells a client (docs/protocol.md, "Close codes"): 4000-4099 and 1001, 1006,
 * 1011, 1013 mean reconnect with backoff; the codes in {@link #TERMINAL} mean do not reconnect
 * until something changed; 4100 (invalid token) is retried only when a fresh token can be had.
 */
public final class CloseCodes {

  public static final int NORMAL = 1000;
  public static final int ABNORMAL = 1006;
  public static final int INVALID_TOKEN = 4100;
  public static final int KICKED = 4103;
  public static final int REPLACED = 4102;

  /** Close codes after which the client stops. */
  public static final Set<Integer> TERMINAL =
      Set.of(1002, 1007, 1008, 1009, 4101, 4102, 4103, 4104);

  private CloseCodes() {}

  /**
   * Whether to reconnect after {@code code}; {@code tokenRefreshable}: the token source mints fresh
   * tokens.
   */
  public static boolean shouldReconnect(int code, boolean tokenRefreshable) {
    if (code == INVALID_TOKEN) return tokenRefreshable;
    return !TERMINAL.contains(code);
  }
}
