package io.pushgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access policy's decisions without sockets: lists, per-source bounds, rate, memory bound. */
class SourceAccessTest {

  private static final long SECOND = 1_000_000_000L;

  private static InetSocketAddress at(String ip) {
    return new InetSocketAddress(ip, 40_000);
  }

  @Test
  void allowAndDenyListsMatchCidrRangesOfBothFamilies() {
    SourceAccess access =
        new SourceAccess(
            new SourceAccess.Settings(
                0, 0, 0, List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.9.0.0/16"), 10));
    assertNull(access.admit(at("10.1.2.3"), 0));
    assertNull(access.admit(at("2001:db8::7"), 0));
    assertEquals(SourceAccess.Refusal.DENIED, access.admit(at("10.9.1.1"), 0));
    assertEquals(SourceAccess.Refusal.DENIED, access.admit(at("192.168.1.1"), 0));
    assertEquals(0, access.trackedSources(), "nothing is counted without a limit");
  }

  @Test
  void connectionsPerSourceAreCountedAndReleased() {
    SourceAccess access =
        new SourceAccess(new SourceAccess.Settings(2, 0, 0, List.of(), List.of(), 10));
    assertNull(access.admit(at("1.2.3.4"), 0));
    assertNull(access.admit(at("1.2.3.4"), 0));
    assertEquals(SourceAccess.Refusal.TOO_MANY_CONNECTIONS, access.admit(at("1.2.3.4"), 0));
    assertNull(access.admit(at("1.2.3.5"), 0), "another source has its own count");
    access.release(at("1.2.3.4"));
    assertNull(access.admit(at("1.2.3.4"), 0));
  }

  @Test
  void handshakesRefillAtTheRate() {
    SourceAccess access =
        new SourceAccess(new SourceAccess.Settings(0, 2, 2, List.of(), List.of(), 10));
    assertNull(access.admit(at("1.1.1.1"), 0));
    assertNull(access.admit(at("1.1.1.1"), 0));
    assertEquals(SourceAccess.Refusal.HANDSHAKE_RATE, access.admit(at("1.1.1.1"), 0));
    assertNull(
        access.admit(at("1.1.1.1"), SECOND / 2), "one token back after half a second at 2/s");
    assertEquals(SourceAccess.Refusal.HANDSHAKE_RATE, access.admit(at("1.1.1.1"), SECOND / 2));
  }

  @Test
  void trackedSourcesAreBoundedAndIdleOnesForgotten() {
    SourceAccess access =
        new SourceAccess(new SourceAccess.Settings(5, 1, 1, List.of(), List.of(), 3));
    for (int i = 1; i <= 3; i++) assertNull(access.admit(at("9.9.9." + i), 0));
    assertEquals(SourceAccess.Refusal.TOO_MANY_SOURCES, access.admit(at("9.9.9.4"), 0));
    for (int i = 1; i <= 3; i++) access.release(at("9.9.9." + i));
    // 2 s later every bucket is full and no connection is open: the sweep forgets them
    assertNull(access.admit(at("9.9.9.4"), 2 * SECOND));
    assertTrue(
        access.trackedSources() <= 3, "at most max-tracked-sources: " + access.trackedSources());
  }

  @Test
  void aRangeThatIsNotACidrIsRefusedNamingTheList() {
    for (String bad : List.of("example.com", "10.0.0.0/33", "10.0.0.0/x", "")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new SourceAccess(
                      new SourceAccess.Settings(0, 0, 0, List.of(), List.of(bad), 10)));
      assertTrue(e.getMessage().contains("pushgate.gateway.access.deny"), e.getMessage());
    }
  }
}
