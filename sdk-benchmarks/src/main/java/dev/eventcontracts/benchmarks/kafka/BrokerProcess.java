package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The broker the benchmark consumes from: either a child JVM running {@link BrokerMain} (the
 * default, so this process's CPU time is the consumer's alone) or {@link EmbeddedKafkaBroker} in
 * this JVM.
 */
abstract class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

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
    Path log = dir.resolve("broker.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BrokerMain.class.getName());
    command.add(bootstrapFile.toString());
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start(); // stdin stays a pipe: closing it stops the broker
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch the broker JVM", e);
    }
    Separate broker = new Separate(process, dir, log);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-bench-broker-stop"));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (!Files.exists(bootstrapFile)) {
        if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(
              "the broker JVM exited with " + process.exitValue() + "; see " + log);
        }
        if (System.nanoTime() - deadline > 0) {
          broker.close();
          throw new IllegalStateException("the broker JVM did not start within " + START_TIMEOUT);
        }
      }
      broker.bootstrap = Files.readString(bootstrapFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      broker.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      broker.close();
      throw new IllegalStateException("interrupted while starting the broker", e);
    }
    return broker;
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
    private final Process process;
    private final Path dir;
    private final Path log;
    private String bootstrap;
    private boolean closed;

    Separate(Process process, Path dir, Path log) {
      this.process = process;
      this.dir = dir;
      this.log = log;
    }

    @Override
    String bootstrapServers() {
      return bootstrap;
    }

    @Override
    long cpuNanos() {
      return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private void deleteQuietly() {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
        Files.deleteIfExists(dir);
      } catch (IOException | UncheckedIOException e) {
        // best effort: a leftover temporary directory is harmless
      }
    }

    @Override
    String describe() {
      return "separate JVM, pid " + process.pid() + ", log " + log;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        process.getOutputStream().close(); // end of input: BrokerMain stops the broker
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroy();
          if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
          }
        } else if (process.exitValue() == 0) {
          deleteQuietly(); // a clean stop: the log has nothing worth keeping
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
