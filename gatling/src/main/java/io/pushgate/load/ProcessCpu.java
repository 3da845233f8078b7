package io.pushgate.load;

import java.nio.file.Files;
import java.nio.file.Path;

/** Another process's CPU time, read from {@code /proc/PID/stat} (Linux). */
final class ProcessCpu {

  /** Microseconds per clock tick ({@code USER_HZ} = 100: one tick is 10 ms). */
  private static final long MICROS_PER_TICK = 10_000;

  private ProcessCpu() {}

  /**
   * CPU time (user + system) of process {@code pid} in microseconds, counted in clock ticks (a
   * multiple of 10 ms).
   */
  static long micros(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MICROS_PER_TICK;
  }
}
