package io.pushgate.gateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CloseCodeTest {

  @Test
  void applicationCodesFollowTheDocumentedRanges() {
    Set<Integer> seen = new HashSet<>();
    for (CloseCode c : CloseCode.values()) {
      assertTrue(seen.add(c.code()), "duplicate " + c.code());
      assertTrue(c.reason().getBytes(StandardCharsets.UTF_8).length <= 123, c.name());
      if (c.code() >= 4000 && c.code() < 4100) assertEquals(false, c.isTerminal(), c.name());
      if (c.code() >= 4100 && c.code() < 4200) assertEquals(true, c.isTerminal(), c.name());
    }
  }
}
