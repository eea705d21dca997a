package dev.eventcontracts.testing.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Google Cloud Pub/Sub server for tests: Google's in-memory fake {@code pstest} (from the Debian
 * package {@code golang-google-cloud-dev}) with a compatibility layer that makes StreamingPull,
 * nacks, delivery attempts and dead-letter policies behave like the real service, served over
 * plaintext gRPC on a free loopback port; or an already running server (the official emulator)
 * named by {@value #HOST_ENV}.
 *
 * <p>The Go sources ship in this jar; the first start builds them with {@code go build} into a
 * cache directory ({@value #CACHE_ENV}, else {@code ~/.cache/eventcontracts/pubsub-server}), keyed
 * by the sources' hash, so later starts take milliseconds. The Java client ignores {@code
 * PUBSUB_EMULATOR_HOST}: connect with a plaintext channel to {@link #target()} and no credentials.
 */
public final class PubSubServer implements AutoCloseable {

  /** Environment variable with {@code host:port} of a running server to use instead of one. */
  public static final String HOST_ENV = "EVENTCONTRACTS_PUBSUB_HOST";

  /** Environment variable naming the directory the built server binary is cached in. */
  public static final String CACHE_ENV = "EVENTCONTRACTS_PUBSUB_SERVER_CACHE";

  /** The Go toolchain executable, from the Debian package {@code golang-go}. */
  public static final String GO = "go";

  /** Where Debian's {@code golang-google-cloud-dev} installs its Go sources (a GOPATH). */
  public static final Path GOPATH = Path.of("/usr/share/gocode");

  private static final Path PSTEST = GOPATH.resolve("src/cloud.google.com/go/pubsub/pstest");
  private static final List<String> SOURCES = List.of("main.go", "compat.go");
  private static final String RESOURCES = "/dev/eventcontracts/testing/server/pubsub/";
  private static final String INSTALL_HINT =
      "the Pub/Sub test server needs Go and Google's pstest: apt-get install golang-go"
          + " golang-google-cloud-dev to run these tests (or set "
          + HOST_ENV
          + ")";
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int PROBE_TIMEOUT_MILLIS = 1_000;
  private static final Shared<PubSubServer> SHARED =
      new Shared<>("Pub/Sub", PubSubServer::forShared);

  private final String host;
  private final int port;
  private final LocalServer process;
  private final boolean stopOnClose;

  private PubSubServer(String host, int port, LocalServer process, boolean stopOnClose) {
    this.host = host;
    this.port = port;
    this.process = process;
    this.stopOnClose = stopOnClose;
  }

  /** Starts a private server that {@link #close()} stops; ignores {@value #HOST_ENV}. */
  public static PubSubServer start() {
    return launch(true);
  }

  /**
   * Returns the JVM-wide server, the one named by {@value #HOST_ENV} or else one started on first
   * use and stopped at JVM exit; {@link #close()} leaves it running.
   */
  public static PubSubServer shared() {
    return SHARED.get();
  }

  /**
   * Returns {@link #shared()}, or skips the calling test (fails it in CI) when Go or pstest is not
   * installed and {@value #HOST_ENV} is not set.
   */
  public static PubSubServer sharedOrSkip() {
    if (ServerAvailability.env(HOST_ENV).isEmpty() && !installed()) {
      return ServerAvailability.skipOrFail(INSTALL_HINT);
    }
    return shared();
  }

  /** True when the Go toolchain and pstest's sources are installed, so a server can be built. */
  public static boolean installed() {
    return ServerAvailability.findExecutable(GO).isPresent() && Files.isDirectory(PSTEST);
  }

  /** The host the server listens on. */
  public String host() {
    return host;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The gRPC target, {@code host:port}, for a plaintext channel. */
  public String target() {
    return host + ":" + port;
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
    return "PubSubServer[" + target() + "]";
  }

  /** Returns whether a TCP connection to the port succeeds. */
  static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static PubSubServer forShared() {
    return ServerAvailability.env(HOST_ENV)
        .map(PubSubServer::external)
        .orElseGet(() -> launch(false));
  }

  private static PubSubServer external(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(HOST_ENV + " is not host:port: " + target);
    }
    return new PubSubServer(
        target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)), null, false);
  }

  private static PubSubServer launch(boolean stopOnClose) {
    if (!installed()) {
      throw new IllegalStateException(INSTALL_HINT);
    }
    Path binary = binary();
    int port = LocalServer.freePort();
    Path dir = LocalServer.createTempDir("pubsub");
    List<String> command = List.of(binary.toString(), "-addr", LocalServer.HOST + ":" + port);
    LocalServer process =
        LocalServer.start(
            "pstest", dir, command, START_TIMEOUT, () -> listening(LocalServer.HOST, port));
    return new PubSubServer(LocalServer.HOST, port, process, stopOnClose);
  }

  /** The server binary for the bundled sources, built on first use. */
  static synchronized Path binary() {
    Map<String, byte[]> sources = sources();
    Path dir = cacheDir().resolve(hash(sources));
    Path binary = dir.resolve("pstest-server");
    if (Files.isExecutable(binary)) {
      return binary;
    }
    try {
      Path src = Files.createDirectories(dir.resolve("src"));
      for (Map.Entry<String, byte[]> e : sources.entrySet()) {
        Files.write(src.resolve(e.getKey()), e.getValue());
      }
      // built under a private name and moved, so a concurrent build in another JVM is harmless
      Path partial = Files.createTempFile(dir, "pstest-server", ".partial");
      build(src, cacheDir().resolve("gocache"), partial); // shared: rebuilds take seconds
      Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING);
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the Pub/Sub test server in " + dir, e);
    }
  }

  private static void build(Path src, Path gocache, Path output) {
    Path go =
        ServerAvailability.findExecutable(GO)
            .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
    LocalServer.run(
        "go-build",
        src,
        List.of(go.toString(), "build", "-o", output.toString(), "."),
        // Debian ships the dependencies as a GOPATH, not as modules
        Map.of(
            "GO111MODULE",
            "off",
            "GOPATH",
            GOPATH.toString(),
            "GOCACHE",
            gocache.toString(),
            "GOFLAGS",
            ""),
        BUILD_TIMEOUT);
  }

  private static Path cacheDir() {
    Optional<String> configured = ServerAvailability.env(CACHE_ENV);
    if (configured.isPresent()) {
      return Path.of(configured.get());
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("eventcontracts").resolve("pubsub-server");
  }

  private static Map<String, byte[]> sources() {
    Map<String, byte[]> sources = new TreeMap<>();
    for (String name : SOURCES) {
      try (InputStream in = PubSubServer.class.getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCES + name);
        }
        sources.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sources;
  }

  private static String hash(Map<String, byte[]> sources) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      sources.forEach(
          (name, bytes) -> {
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update(bytes);
          });
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
