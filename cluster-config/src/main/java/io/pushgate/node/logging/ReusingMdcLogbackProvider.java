package io.pushgate.node.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * Logback as SLF4J's provider, with {@link ReusingMdcAdapter} as the MDC of SLF4J and of the logger
 * context (so logged events carry what was put). Selected by the JVM flag {@code
 * -Dslf4j.provider=io.pushgate.node.logging.ReusingMdcLogbackProvider}, which {@code ./pushgate}
 * sets; without it SLF4J finds logback's own provider and everything logs the same, with logback's
 * allocating MDC.
 */
public final class ReusingMdcLogbackProvider extends LogbackServiceProvider {

  private final ReusingMdcAdapter mdc = new ReusingMdcAdapter();

  @Override
  public void initialize() {
    super.initialize();
    ((LoggerContext) getLoggerFactory()).setMDCAdapter(mdc);
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
