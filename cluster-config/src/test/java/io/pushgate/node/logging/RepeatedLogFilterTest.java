package io.pushgate.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class RepeatedLogFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger session = context.getLogger("io.pushgate.session.SessionEntity");
  private final Logger api = context.getLogger("io.pushgate.api.MessageService");

  @Test
  void theFirstOfARepeatedWarningIsLoggedAndTheRestOfTheWindowIsNot() {
    RepeatedLogFilter filter = new RepeatedLogFilter();
    filter.setWindowSeconds(60);
    int logged = 0;
    for (int i = 0; i < 1000; i++) {
      String perSession =
          "Supervisor StopSupervisor saw failure: Failed to persist event for session|demo:u" + i;
      if (filter.decide(null, session, Level.ERROR, perSession, null, null) == FilterReply.NEUTRAL)
        logged++;
    }
    assertEquals(1, logged);
  }

  @Test
  void otherKindsOfLinesAndInfoLinesAreNotHeldBack() {
    RepeatedLogFilter filter = new RepeatedLogFilter();
    assertEquals(
        FilterReply.NEUTRAL,
        filter.decide(
            null, session, Level.ERROR, "Supervisor StopSupervisor saw failure: X", null, null));
    assertEquals(
        FilterReply.NEUTRAL,
        filter.decide(null, api, Level.WARN, "message {} of app {}: did not answer", null, null));
    assertEquals(
        FilterReply.DENY,
        filter.decide(null, api, Level.WARN, "message {} of app {}: did not answer", null, null));
    for (int i = 0; i < 10; i++) {
      assertEquals(
          FilterReply.NEUTRAL,
          filter.decide(null, api, Level.INFO, "message {} of app {}: did not answer", null, null));
    }
  }
}
