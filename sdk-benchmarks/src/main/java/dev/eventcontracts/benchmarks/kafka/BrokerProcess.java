package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import dev.eventcontracts.testing.server.LocalServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker the benchmark consumes from: either a child JVM running {@link BrokerMain} (the
 * default, so this process's CPU time is the consumer's alone) or {@link EmbeddedKafkaBroker} in
 * this JVM.
 */
abstract class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** The {@code bootstrap.servers} value. */
  abstract String bootstrapServers();

  /** CPU time the broker used so far, or -1 when it runs in this JVM (counted in ours). */
  abstract long cpuNanos();

  /** A description for the report. */
  abstract String describe();

  @Override
  public abstract void close();

  /** Starts {@link BrokerMain} in a child JVM on this JVM's class path. */
  static BrokerProcess separate(String heap) {
    Path dir;
    try {
      dir = Files.createTempDirectory("kafka-bench-broker-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path bootstrapFile = dir.resolve("bootstrap.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(BrokerMain.class.getName());
    command.add(bootstrapFile.toString());
    // stdin stays a pipe: a parent that dies closes it, and BrokerMain then stops the broker
    LocalServer server =
        LocalServer.start(
            "kafka-broker", dir, command, START_TIMEOUT, () -> Files.exists(bootstrapFile));
    try {
      return new Separate(server, Files.readString(bootstrapFile, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@link EmbeddedKafkaBroker} in this JVM. */
  static BrokerProcess inProcess() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    return new BrokerProcess() {
      @Override
      String bootstrapServers() {
        return broker.bootstrapServers();
      }

      @Override
      long cpuNanos() {
        return -1;
      }

      @Override
      String describe() {
        return "in this JVM (its CPU time is counted in the process CPU)";
      }

      @Override
      public void close() {
        broker.close();
      }
    };
  }

  private static final class Separate extends BrokerProcess {
    private final LocalServer server;
    private final String bootstrap;

    Separate(LocalServer server, String bootstrap) {
      this.server = server;
      this.bootstrap = bootstrap;
    }

    @Override
    String bootstrapServers() {
      return bootstrap;
    }

    @Override
    long cpuNanos() {
      return server.process().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @Override
    String describe() {
      return "separate JVM, pid " + server.process().pid();
    }

    /** Stops the broker JVM (SIGTERM: its shutdown hook stops the broker) and deletes its files. */
    @Override
    public void close() {
      server.stop();
    }
  }

  /**
   * This JVM's class path with every entry made absolute: the child runs in the server's own
   * directory, where a relative entry such as {@code sdk-benchmarks/target/benchmarks.jar} is not
   * found.
   */
  private static String absoluteClassPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
