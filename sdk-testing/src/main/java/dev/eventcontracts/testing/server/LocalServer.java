package dev.eventcontracts.testing.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A server binary running as a child process, with a temporary directory that holds its files and
 * its log; the process is stopped and the directory deleted on {@link #stop()} or at JVM exit. The
 * one child-process launcher of the SDK's tests and benchmarks: {@link RedisServer}, {@link
 * MariaDbServer} and {@link PubSubServer} run on it, and so can any server a test needs.
 */
public final class LocalServer {
  /** The loopback address that every server binds to. */
  static final String HOST = "127.0.0.1";

  private static final long POLL_MILLIS = 50;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int LOG_TAIL_LINES = 30;

  private final String name;
  private final Path dir;
  private final Process process;
  private final Thread shutdownHook;
  private boolean stopped;

  private LocalServer(String name, Path dir, Process process) {
    this.name = name;
    this.dir = dir;
    this.process = process;
    this.shutdownHook = new Thread(this::stop, name + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Launches {@code command} in {@code dir}, which it then owns, and waits until {@code ready}
   * answers true; fails with the log's tail if the process exits first or the timeout passes. The
   * output goes to {@code name.log} in {@code dir}; the standard input stays an open pipe, so a
   * child that watches it sees its end when this JVM dies.
   */
  public static LocalServer start(
      String name, Path dir, List<String> command, Duration timeout, BooleanSupplier ready) {
    LocalServer server = new LocalServer(name, dir, launch(name, dir, command, Map.of()));
    try {
      server.awaitReady(timeout, ready);
      return server;
    } catch (RuntimeException e) {
      server.stop();
      throw e;
    }
  }

  /** Runs a one-off command in {@code dir} to completion and fails unless it exits with 0. */
  static void run(String name, Path dir, List<String> command, Duration timeout) {
    run(name, dir, command, Map.of(), timeout);
  }

  /** Like {@link #run(String, Path, List, Duration)}, with {@code environment} set for it. */
  static void run(
      String name,
      Path dir,
      List<String> command,
      Map<String, String> environment,
      Duration timeout) {
    Process process = launch(name, dir, command, environment);
    boolean exited = waitFor(process, timeout.toMillis());
    if (!exited) {
      process.destroyForcibly();
      throw new IllegalStateException(
          name + " did not finish within " + timeout + logTail(dir, name));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          name + " failed with exit code " + process.exitValue() + logTail(dir, name));
    }
  }

  /** The running process, for its pid or CPU time. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** Stops the process (SIGTERM, then SIGKILL after a bound) and deletes the directory. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    process.destroy();
    if (!waitFor(process, STOP_TIMEOUT.toMillis())) {
      process.destroyForcibly();
      waitFor(process, STOP_TIMEOUT.toMillis());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // this call comes from the hook itself
    }
    deleteRecursively(dir);
  }

  /** Creates a fresh temporary directory for one server. */
  static Path createTempDir(String name) {
    try {
      return Files.createTempDirectory("eventcontracts-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree, best effort: a leftover temporary file must not fail a test. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort, see above
    }
  }

  /** Returns {@code count} distinct ports that were free on loopback a moment ago. */
  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is released either way
        }
      }
    }
  }

  /** Returns one port that was free on loopback a moment ago. */
  static int freePort() {
    return freePorts(1)[0];
  }

  private void awaitReady(Duration timeout, BooleanSupplier ready) {
    try {
      await(name + " ready")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(POLL_MILLIS))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      name
                          + " exited with code "
                          + process.exitValue()
                          + " while starting"
                          + logTail());
                }
                return ready.getAsBoolean();
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(name + " was not ready within " + timeout + logTail(), e);
    }
  }

  private String logTail() {
    return logTail(dir, name);
  }

  private static Process launch(
      String name, Path dir, List<String> command, Map<String, String> environment) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(dir, name).toFile()));
      builder.environment().putAll(environment);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch " + command.get(0), e);
    }
  }

  private static boolean waitFor(Process process, long millis) {
    try {
      return process.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + process, e);
    }
  }

  private static Path logFile(Path dir, String name) {
    return dir.resolve(name + ".log");
  }

  private static String logTail(Path dir, String name) {
    try {
      List<String> lines =
          new String(Files.readAllBytes(logFile(dir, name)), StandardCharsets.UTF_8)
              .lines()
              .toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "; last lines of its log:\n" + String.join("\n", tail);
    } catch (IOException e) {
      return "; its log is unreadable: " + e;
    }
  }
}
