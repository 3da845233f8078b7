package io.pushgate.node;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB or Redis server of a test's own, on a free port with its data under {@code target/}, so
 * faults can be injected without touching the machine's services: {@link #freeze()} (SIGSTOP: the
 * port still accepts connections, nothing answers), {@link #thaw()} (SIGCONT), {@link #stop()}
 * (SIGTERM, clean shutdown: connections refused) and {@link #start()} again on the same data.
 * Always {@link #close()} it.
 */
final class PrivateService implements AutoCloseable {

  final String name;
  final int port;
  private final List<String> command;
  private final Path log;
  private final Runnable afterFirstStart;
  private Process process;
  private boolean started;

  private PrivateService(
      String name, int port, List<String> command, Path log, Runnable afterFirstStart) {
    this.name = name;
    this.port = port;
    this.command = command;
    this.log = log;
    this.afterFirstStart = afterFirstStart;
  }

  /** A fresh MariaDB (root, no password, database {@code test}) under {@code dir}; started. */
  static PrivateService mariaDb(Path dir) throws Exception {
    Path data = dir.resolve("data").toAbsolutePath();
    Files.createDirectories(dir);
    run(
        List.of(
            "mariadb-install-db",
            "--no-defaults",
            "--datadir=" + data,
            "--user=root",
            "--auth-root-authentication-method=normal",
            "--skip-test-db"),
        dir.resolve("install.log"));
    int port = TestNodes.freePort();
    List<String> command =
        List.of(
            "mariadbd",
            "--no-defaults",
            "--datadir=" + data,
            "--user=root",
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--socket=" + dir.toAbsolutePath().resolve("mysqld.sock"),
            "--pid-file=" + dir.toAbsolutePath().resolve("mysqld.pid"),
            "--innodb-buffer-pool-size=64M",
            "--skip-name-resolve");
    PrivateService db =
        new PrivateService(
            "mariadb",
            port,
            command,
            dir.resolve("server.log"),
            () -> {
              try {
                run(
                    List.of(
                        "mariadb",
                        "-h127.0.0.1",
                        "-P" + port,
                        "-uroot",
                        "-e",
                        "CREATE DATABASE IF NOT EXISTS test"),
                    dir.resolve("create.log"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    db.start();
    return db;
  }

  /** A Redis that keeps nothing on disk; started. */
  static PrivateService redis(Path dir) throws Exception {
    Files.createDirectories(dir);
    int port = TestNodes.freePort();
    List<String> command =
        List.of(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toAbsolutePath().toString());
    PrivateService redis =
        new PrivateService("redis", port, command, dir.resolve("server.log"), () -> {});
    redis.start();
    return redis;
  }

  String jdbcUrl() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/test";
  }

  String redisUri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server and waits until its port accepts connections. */
  void start() throws Exception {
    process =
        new ProcessBuilder(new ArrayList<>(command))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) throw new IllegalStateException(name + " exited; see " + log);
              return accepts();
            });
    if (!started) {
      started = true;
      afterFirstStart.run();
    }
  }

  void freeze() throws Exception {
    signal("STOP");
  }

  void thaw() throws Exception {
    signal("CONT");
  }

  /** SIGTERM and wait: a clean shutdown, after which connections are refused. */
  void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS))
      throw new IllegalStateException(name + " did not stop");
  }

  private void signal(String signal) throws Exception {
    run(List.of("kill", "-" + signal, Long.toString(process.pid())), log);
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(List<String> command, Path output) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed; see " + output);
    }
  }

  @Override
  public void close() throws Exception {
    if (process == null || !process.isAlive()) return;
    signal("CONT"); // a frozen process cannot handle SIGTERM
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
