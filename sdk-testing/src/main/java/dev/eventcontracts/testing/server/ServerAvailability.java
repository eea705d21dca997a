package dev.eventcontracts.testing.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds server executables and decides what a test does when one is missing: outside CI the test is
 * skipped with an install hint, in CI ({@code CI=true}) it fails so a broken runner is noticed.
 */
public final class ServerAvailability {

  /** Environment variable that CI systems set to {@code true}. */
  public static final String CI_ENV = "CI";

  // Debian installs daemons in /usr/sbin, which is often not on a non-root user's PATH.
  private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/usr/bin");

  private ServerAvailability() {}

  /** Returns whether the build runs in CI, that is whether {@code CI} is {@code true}. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv(CI_ENV));
  }

  /** Looks up an executable on the {@code PATH}, then in {@code /usr/sbin} and {@code /usr/bin}. */
  public static Optional<Path> findExecutable(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(SYSTEM_DIRS);
    return dirs.stream()
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Skips the current JUnit test with {@code reason}, or fails it when running in CI; never returns
   * normally.
   */
  public static <T> T skipOrFail(String reason) {
    return skipOrFail(reason, isCi());
  }

  /** Returns an environment variable's value, or empty when it is unset or blank. */
  static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  static <T> T skipOrFail(String reason, boolean ci) {
    if (ci) {
      throw new AssertionError(reason + " (" + CI_ENV + "=true: missing servers fail the build)");
    }
    return Assumptions.abort(reason);
  }
}
