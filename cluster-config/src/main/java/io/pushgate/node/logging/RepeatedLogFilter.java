package io.pushgate.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps an outage from flooding the log: of the WARN and ERROR lines that repeat (same logger, same
 * start of message, e.g. one "failed to persist" per session, one "connection broken" per pooled
 * connection, one "did not answer" per request), the first in each window is logged and the rest
 * are counted; when the window ends, one summary line says how many were left out. So a database
 * outage logs a handful of lines per {@code window-seconds}, whatever the traffic, while the state
 * changes themselves (journal unreachable / answers again, Redis unreachable / back) are logged by
 * their components once each.
 *
 * <p>Configured in logback.xml: {@code <turboFilter
 * class="...RepeatedLogFilter"><windowSeconds>30</windowSeconds></turboFilter>}. Thread-safe; at
 * most {@link #MAX_KEYS} kinds of line are tracked (then the table starts over).
 */
public final class RepeatedLogFilter extends TurboFilter {

  static final int MAX_KEYS = 1024;

  /** Characters of the message (its format string) that tell one kind of line from another. */
  static final int KEY_PREFIX = 40;

  private static final String SUMMARY_LOGGER = "io.pushgate.logging.Suppressed";

  private long windowNanos = 30_000_000_000L;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    final long startNanos;
    int suppressed;

    Window(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  public void setWindowSeconds(int seconds) {
    if (seconds < 1) throw new IllegalArgumentException("windowSeconds must be >= 1");
    this.windowNanos = seconds * 1_000_000_000L;
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null || !level.isGreaterOrEqual(Level.WARN) || format == null)
      return FilterReply.NEUTRAL;
    if (logger.getName().equals(SUMMARY_LOGGER)) return FilterReply.NEUTRAL;
    String key =
        logger.getName()
            + '|'
            + (format.length() > KEY_PREFIX ? format.substring(0, KEY_PREFIX) : format);
    long now = System.nanoTime();
    int summarize = -1;
    FilterReply reply;
    synchronized (this) {
      if (windows.size() >= MAX_KEYS) windows.clear();
      Window w = windows.get(key);
      if (w == null || now - w.startNanos >= windowNanos) {
        if (w != null && w.suppressed > 0) summarize = w.suppressed;
        windows.put(key, new Window(now));
        reply = FilterReply.NEUTRAL;
      } else {
        w.suppressed++;
        reply = FilterReply.DENY;
      }
    }
    if (summarize > 0) {
      LoggerFactory.getLogger(SUMMARY_LOGGER)
          .warn(
              "{} more lines like the next one from {} were left out in the last {} s",
              summarize,
              logger.getName(),
              windowNanos / 1_000_000_000L);
    }
    return reply;
  }
}
