package io.pushgate.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReusingMdcAdapterTest {

  private final ReusingMdcAdapter mdc = new ReusingMdcAdapter();

  @Test
  void keepsWhatIsPutUntilRemovedOrCleared() {
    mdc.put("pekkoSource", "a");
    mdc.put("persistenceId", "p1");
    mdc.put("pekkoSource", "b");
    mdc.put("none", null);
    assertEquals("b", mdc.get("pekkoSource"));
    assertEquals(
        Map.of("pekkoSource", "b", "persistenceId", "p1"), withoutNulls(mdc.getCopyOfContextMap()));
    assertEquals(3, mdc.getCopyOfContextMap().size());

    mdc.remove("pekkoSource");
    assertNull(mdc.get("pekkoSource"));
    assertEquals("p1", mdc.get("persistenceId"));

    mdc.clear();
    assertNull(mdc.get("persistenceId"));
    assertNull(mdc.getCopyOfContextMap(), "an empty MDC has no map");
    assertThrows(IllegalArgumentException.class, () -> mdc.put(null, "x"));
  }

  @Test
  void growsPastItsFirstArraysAndKeepsOrderOnRemoval() {
    for (int i = 0; i < 20; i++) mdc.put("k" + i, "v" + i);
    mdc.remove("k3");
    for (int i = 0; i < 20; i++) assertEquals(i == 3 ? null : "v" + i, mdc.get("k" + i));
    assertEquals(19, mdc.getCopyOfContextMap().size());
  }

  @Test
  void aCopyIsTheCallersAndSetContextMapReplacesEverything() {
    mdc.put("a", "1");
    Map<String, String> copy = mdc.getCopyOfContextMap();
    copy.put("b", "2");
    assertNull(mdc.get("b"), "the copy is not the MDC");

    mdc.setContextMap(Map.of("c", "3"));
    assertEquals(Map.of("c", "3"), mdc.getCopyOfContextMap());
    mdc.setContextMap(null);
    assertNull(mdc.getCopyOfContextMap());
  }

  @Test
  void eachThreadHasItsOwn() throws Exception {
    mdc.put("a", "main");
    String other =
        CompletableFuture.supplyAsync(
                () -> {
                  String seen = mdc.get("a");
                  mdc.put("a", "other");
                  return seen;
                })
            .get();
    assertNull(other);
    assertEquals("main", mdc.get("a"));
  }

  @Test
  void dequesByKeyWork() {
    mdc.pushByKey("q", "1");
    mdc.pushByKey("q", "2");
    assertEquals("2", mdc.popByKey("q"));
    assertEquals(1, mdc.getCopyOfDequeByKey("q").size());
    mdc.clearDequeByKey("q");
    assertEquals(0, mdc.getCopyOfDequeByKey("q").size());
  }

  @Test
  void theProviderGivesLoggedEventsWhatWasPut() {
    ReusingMdcLogbackProvider provider = new ReusingMdcLogbackProvider();
    provider.initialize();
    LoggerContext context = (LoggerContext) provider.getLoggerFactory();
    assertSame(provider.getMDCAdapter(), context.getMDCAdapter());
    Logger logger = context.getLogger("mdc-test");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.setContext(context);
    events.start();
    logger.addAppender(events);

    provider.getMDCAdapter().put("persistenceId", "session|demo:u1");
    logger.warn("with context");
    provider.getMDCAdapter().clear();
    logger.warn("without");

    assertEquals(
        Map.of("persistenceId", "session|demo:u1"), events.list.get(0).getMDCPropertyMap());
    assertEquals(Map.of(), events.list.get(1).getMDCPropertyMap());
  }

  private static Map<String, String> withoutNulls(Map<String, String> map) {
    Map<String, String> copy = new HashMap<>(map);
    copy.values().removeIf(v -> v == null);
    return copy;
  }
}
