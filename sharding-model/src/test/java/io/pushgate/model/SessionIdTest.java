package io.pushgate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written id checks accept exactly what the documented patterns accept. */
class SessionIdTest {

  private static final String ALPHABET = "azAZ09._@+=-:/ %\u00e9\u0000\n";

  @Test
  void theChecksAgreeWithTheDocumentedPatterns() {
    Random random = new Random(23);
    for (int n = 0; n < 200_000; n++) {
      int length = random.nextInt(n % 10 == 0 ? 140 : 6);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < length; i++) {
        s.append(
            random.nextInt(4) == 0
                ? (char) ('a' + random.nextInt(26))
                : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      String id = s.toString();
      assertEquals(
          SessionId.USER_ID.matcher(id).matches(),
          SessionId.isValidUser(id),
          () -> "user \"" + id + "\"");
      String app = id.toLowerCase();
      assertEquals(
          SessionId.APP_ID.matcher(app).matches(),
          SessionId.isValidApp(app),
          () -> "app \"" + app + "\"");
    }
  }

  @Test
  void edgesOfTheRules() {
    assertTrue(SessionId.isValidApp("a"));
    assertTrue(SessionId.isValidApp("a".repeat(32)));
    assertFalse(SessionId.isValidApp("a".repeat(33)));
    assertFalse(SessionId.isValidApp("-a"));
    assertFalse(SessionId.isValidApp(""));
    assertFalse(SessionId.isValidApp(null));
    assertTrue(SessionId.isValidUser("x".repeat(128)));
    assertFalse(SessionId.isValidUser("x".repeat(129)));
    assertFalse(SessionId.isValidUser("a:b"));
    assertFalse(SessionId.isValidUser(null));
  }
}
