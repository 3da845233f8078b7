package io.pushgate.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Node.js test suites (clients/js, the console's browser test) against a node of a test, and
 * fails the test with their output when they fail. Their npm packages ({@code ws}, {@code
 * playwright-core}) and Chromium come from {@code .ci/run}; where they are missing the test is
 * skipped, unless {@code PUSHGATE_REQUIRE_JS=1} (as {@code .ci/run} sets it), which turns a missing
 * piece into a failure.
 */
final class NodeScripts {

  /** The checkout's root (the tests run in cluster-config/). */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private NodeScripts() {}

  /**
   * Skips (or, with PUSHGATE_REQUIRE_JS=1, fails) unless {@code node} and {@code dir}'s
   * node_modules are there.
   */
  static void requireInstalled(Path dir, Path... extra) {
    boolean required = "1".equals(System.getenv("PUSHGATE_REQUIRE_JS"));
    List<Path> needed = new ArrayList<>(List.of(dir.resolve("node_modules")));
    needed.addAll(List.of(extra));
    for (Path p : needed) {
      String why =
          p + " is missing (.ci/run installs it: npm ci --prefix " + ROOT.relativize(dir) + ")";
      if (required) assertTrue(Files.exists(p), why);
      else assumeTrue(Files.exists(p), why);
    }
  }

  /**
   * Runs {@code node --test files...} in {@code dir} with {@code env}; asserts it passed. Returns
   * its output.
   */
  static String runTests(Path dir, Map<String, String> env, Duration timeout, String... files)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
    command.addAll(List.of(files));
    Path log = Files.createTempFile("node-test", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean ended = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!ended) process.destroyForcibly().waitFor();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertTrue(ended, "node --test did not end within " + timeout + ":\n" + output);
    assertEquals(0, process.exitValue(), "node --test failed:\n" + output);
    Matcher skipped = Pattern.compile("skipped (\\d+)").matcher(output);
    assertTrue(
        skipped.find() && skipped.group(1).equals("0"),
        "a suite skipped tests (or printed no summary):\n" + output);
    return output;
  }
}
