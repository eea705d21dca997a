package dev.eventcontracts.testing.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A MariaDB server for tests: {@code mariadbd} from the Debian package, with a fresh data
 * directory, started as a child process on a free loopback port with a database {@value #DATABASE}
 * and user {@code root} without password, or an already running server named by {@value #URL_ENV}.
 */
public final class MariaDbServer implements AutoCloseable {

  /**
   * Environment variable with the JDBC URL of a running MariaDB to use instead of starting one,
   * like {@code jdbc:mariadb://127.0.0.1:3306/eventcontracts?user=root&password=secret}.
   */
  public static final String URL_ENV = "EVENTCONTRACTS_MARIADB_URL";

  /** Name of the server executable. */
  public static final String EXECUTABLE = "mariadbd";

  /** The database created in a server started here. */
  public static final String DATABASE = "eventcontracts";

  private static final String INSTALL_DB = "mariadb-install-db";
  private static final String INSTALL_HINT =
      EXECUTABLE + " not installed: apt-get install mariadb-server to run these tests";
  private static final String ROOT = "root";
  private static final int DEFAULT_PORT = 3306;
  private static final int PROTOCOL_VERSION = 10;
  private static final int PROBE_TIMEOUT_MILLIS = 1_000;
  private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Shared<MariaDbServer> SHARED =
      new Shared<>("MariaDB", MariaDbServer::forShared);

  private final String jdbcUrl;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final LocalServer process;
  private final boolean stopOnClose;

  private MariaDbServer(
      String jdbcUrl,
      String host,
      int port,
      String user,
      String password,
      LocalServer process,
      boolean stopOnClose) {
    this.jdbcUrl = jdbcUrl;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.process = process;
    this.stopOnClose = stopOnClose;
  }

  /** Starts a private MariaDB that {@link #close()} stops; ignores {@value #URL_ENV}. */
  public static MariaDbServer start() {
    return launch(true);
  }

  /**
   * Returns the JVM-wide MariaDB, the one named by {@value #URL_ENV} or else one started on first
   * use and stopped at JVM exit; {@link #close()} leaves it running.
   */
  public static MariaDbServer shared() {
    return SHARED.get();
  }

  /**
   * Returns {@link #shared()}, or skips the calling test (fails it in CI) when {@value #EXECUTABLE}
   * is not installed and {@value #URL_ENV} is not set.
   */
  public static MariaDbServer sharedOrSkip() {
    if (ServerAvailability.env(URL_ENV).isEmpty()
        && (ServerAvailability.findExecutable(EXECUTABLE).isEmpty()
            || ServerAvailability.findExecutable(INSTALL_DB).isEmpty())) {
      return ServerAvailability.skipOrFail(INSTALL_HINT);
    }
    return shared();
  }

  /** The JDBC URL, like {@code jdbc:mariadb://127.0.0.1:3306/eventcontracts}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The host the server listens on. */
  public String host() {
    return host;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The user to connect as. */
  public String user() {
    return user;
  }

  /** The user's password, empty for a server started here. */
  public String password() {
    return password;
  }

  /** Opens a connection through {@link DriverManager}; needs the MariaDB JDBC driver. */
  public Connection openConnection() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** Stops a server made by {@link #start()}; does nothing to a shared or external one. */
  @Override
  public void close() {
    if (stopOnClose) {
      process.stop();
    }
  }

  @Override
  public String toString() {
    return "MariaDbServer[" + jdbcUrl + "]";
  }

  /** Returns whether a server on the port sends the greeting that opens the MySQL protocol. */
  static boolean greets(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      byte[] packet = in.readNBytes(5); // 3 bytes length, 1 byte sequence, then the payload
      return packet.length == 5 && packet[4] == PROTOCOL_VERSION; // 0xff would be an error packet
    } catch (IOException e) {
      return false;
    }
  }

  private static MariaDbServer forShared() {
    return ServerAvailability.env(URL_ENV)
        .map(MariaDbServer::external)
        .orElseGet(() -> launch(false));
  }

  private static MariaDbServer external(String jdbcUrl) {
    URI uri = URI.create(jdbcUrl.replaceFirst("^jdbc:", ""));
    if (!jdbcUrl.startsWith("jdbc:") || uri.getHost() == null) {
      throw new IllegalArgumentException(URL_ENV + " is not a jdbc:mariadb://host URL: " + jdbcUrl);
    }
    Map<String, String> query = parseQuery(uri.getRawQuery());
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return new MariaDbServer(
        jdbcUrl,
        uri.getHost(),
        port,
        query.getOrDefault("user", ROOT),
        query.getOrDefault("password", ""),
        null,
        false);
  }

  // values stay percent-encoded, as the MariaDB driver reads them from the URL
  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return query;
  }

  private static MariaDbServer launch(boolean stopOnClose) {
    Path mariadbd = require(EXECUTABLE);
    Path installDb = require(INSTALL_DB);
    Path dir = LocalServer.createTempDir("mariadb");
    try {
      Path data = dir.resolve("data");
      Path initFile = dir.resolve("init.sql");
      Files.writeString(initFile, "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";\n");
      LocalServer.run(
          INSTALL_DB,
          dir,
          withUser(
              installDb.toString(),
              "--no-defaults",
              "--datadir=" + data,
              "--auth-root-authentication-method=normal",
              "--skip-test-db"),
          INSTALL_TIMEOUT);
      int port = LocalServer.freePort();
      List<String> command =
          withUser(
              mariadbd.toString(),
              "--no-defaults",
              "--datadir=" + data,
              "--socket=" + dir.resolve("mariadb.sock"),
              "--pid-file=" + dir.resolve("mariadb.pid"),
              "--port=" + port,
              "--bind-address=" + LocalServer.HOST,
              "--skip-name-resolve",
              "--character-set-server=utf8mb4",
              "--init-file=" + initFile);
      LocalServer process =
          LocalServer.start(
              EXECUTABLE, dir, command, START_TIMEOUT, () -> greets(LocalServer.HOST, port));
      String url = "jdbc:mariadb://" + LocalServer.HOST + ":" + port + "/" + DATABASE;
      return new MariaDbServer(url, LocalServer.HOST, port, ROOT, "", process, stopOnClose);
    } catch (IOException e) {
      LocalServer.deleteRecursively(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      LocalServer.deleteRecursively(dir);
      throw e;
    }
  }

  private static Path require(String executable) {
    return ServerAvailability.findExecutable(executable)
        .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
  }

  /** Adds {@code --user=root} when running as root, which MariaDB refuses otherwise. */
  private static List<String> withUser(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    if (ROOT.equals(System.getProperty("user.name"))) {
      command.add("--user=" + ROOT);
    }
    return command;
  }
}
