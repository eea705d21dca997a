package dev.eventcontracts.testing.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Redis server for tests: {@code redis-server} from the Debian package, started as a child
 * process on a free loopback port without persistence, or an already running server named by
 * {@value #URI_ENV}.
 */
public final class RedisServer implements AutoCloseable {

  /** Environment variable with the URI of a running Redis to use instead of starting one. */
  public static final String URI_ENV = "EVENTCONTRACTS_REDIS_URI";

  /** Name of the server executable. */
  public static final String EXECUTABLE = "redis-server";

  private static final String INSTALL_HINT =
      EXECUTABLE + " not installed: apt-get install redis-server to run these tests";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int DEFAULT_PORT = 6379;
  private static final int PROBE_TIMEOUT_MILLIS = 1_000;
  private static final Shared<RedisServer> SHARED = new Shared<>("Redis", RedisServer::forShared);

  private final String host;
  private final int port;
  private volatile LocalServer process;
  private final boolean stopOnClose;
  private final List<String> command;
  private final Path dataDirectory;

  private RedisServer(
      String host,
      int port,
      LocalServer process,
      boolean stopOnClose,
      List<String> command,
      Path dataDirectory) {
    this.host = host;
    this.port = port;
    this.process = process;
    this.stopOnClose = stopOnClose;
    this.command = command;
    this.dataDirectory = dataDirectory;
  }

  /** Starts a private Redis that {@link #close()} stops; ignores {@value #URI_ENV}. */
  public static RedisServer start() {
    return launch(true, false);
  }

  /**
   * Starts a private Redis that writes every command to its append-only file before answering
   * ({@code appendfsync always}), so that {@link #stop()} and {@link #restart()} lose nothing: for
   * outage tests.
   */
  public static RedisServer startPersistent() {
    return launch(true, true);
  }

  /** Stops a private server (SIGTERM): connections break and new ones are refused. */
  public synchronized void stop() {
    requirePrivate();
    if (process != null) {
      process.stop();
      process = null;
    }
  }

  /** Starts a server stopped by {@link #stop()} again on the same port and data directory. */
  public synchronized void restart() {
    requirePrivate();
    if (process == null) {
      process = run(command, port);
    }
  }

  private void requirePrivate() {
    if (!stopOnClose || command == null) {
      throw new IllegalStateException("only a server made by start() can be stopped");
    }
  }

  /**
   * Returns the JVM-wide Redis, the one named by {@value #URI_ENV} or else one started on first use
   * and stopped at JVM exit; {@link #close()} leaves it running.
   */
  public static RedisServer shared() {
    return SHARED.get();
  }

  /**
   * Returns {@link #shared()}, or skips the calling test (fails it in CI) when {@value #EXECUTABLE}
   * is not installed and {@value #URI_ENV} is not set.
   */
  public static RedisServer sharedOrSkip() {
    if (ServerAvailability.env(URI_ENV).isEmpty()
        && ServerAvailability.findExecutable(EXECUTABLE).isEmpty()) {
      return ServerAvailability.skipOrFail(INSTALL_HINT);
    }
    return shared();
  }

  /** The host the server listens on. */
  public String host() {
    return host;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The server's URI, like {@code redis://127.0.0.1:6379}. */
  public String uri() {
    return "redis://" + host + ":" + port;
  }

  /** Stops a server made by {@link #start()}; does nothing to a shared or external one. */
  @Override
  public void close() {
    if (stopOnClose) {
      stop();
      LocalServer.deleteRecursively(dataDirectory);
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + "]";
  }

  /** Sends {@code PING} over a raw socket and returns whether the answer is {@code +PONG}. */
  static boolean ping(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      return "+PONG".equals(in.readLine());
    } catch (IOException e) {
      return false;
    }
  }

  private static RedisServer forShared() {
    return ServerAvailability.env(URI_ENV)
        .map(RedisServer::external)
        .orElseGet(() -> launch(false, false));
  }

  private static RedisServer external(String uri) {
    URI parsed = URI.create(uri);
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException(URI_ENV + " is not a redis://host:port URI: " + uri);
    }
    int port = parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
    return new RedisServer(parsed.getHost(), port, null, false, null, null);
  }

  private static RedisServer launch(boolean stopOnClose, boolean persistent) {
    Path executable =
        ServerAvailability.findExecutable(EXECUTABLE)
            .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
    int port = LocalServer.freePort();
    // the data outlives each process (LocalServer deletes its own directory when it stops)
    Path data = LocalServer.createTempDir("redis-data");
    data.toFile().deleteOnExit(); // empty unless persistent; close() deletes a persistent one
    List<String> command =
        List.of(
            executable.toString(),
            "--port",
            String.valueOf(port),
            "--bind",
            LocalServer.HOST,
            "--save",
            "",
            "--appendonly",
            persistent ? "yes" : "no",
            "--appendfsync",
            persistent ? "always" : "everysec",
            "--daemonize",
            "no",
            "--dir",
            data.toString());
    return new RedisServer(LocalServer.HOST, port, run(command, port), stopOnClose, command, data);
  }

  private static LocalServer run(List<String> command, int port) {
    return LocalServer.start(
        EXECUTABLE,
        LocalServer.createTempDir("redis"),
        command,
        START_TIMEOUT,
        () -> ping(LocalServer.HOST, port));
  }
}
