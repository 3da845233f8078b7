package io.pushgate.load;

import java.nio.file.Files;
import java.nio.file.Path;

/** Another process's CPU time, read from {@code /proc/PID/stat} (Linux). */
final class ProcessCpu {

  /** Clock ticks per second ({@code USER_HZ}): one tick is 10 ms. */
  static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** CPU time (user + system) of process {@code pid} in clock ticks. */
  static long ticks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
