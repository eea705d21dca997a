package dev.eventcontracts.benchmarks.kafka;

import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs {@link EmbeddedKafkaBroker} alone in its own JVM for {@link KafkaConsumerBenchmark}, so the
 * benchmark process's CPU time counts only the consumer. Writes {@code bootstrap.servers} to the
 * file named by the first argument once the broker answers, then runs until it is terminated (the
 * parent sends SIGTERM; the broker's shutdown hook stops it) or its standard input ends, which is
 * what a parent that dies leaves behind.
 *
 * <pre>
 * java -cp benchmarks.jar dev.eventcontracts.benchmarks.kafka.BrokerMain /tmp/bootstrap.txt
 * </pre>
 */
public final class BrokerMain {
  private BrokerMain() {}

  /** Starts the broker; argument: the file to write the bootstrap address to. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BrokerMain <bootstrap-file>");
      System.exit(2);
    }
    Path target = Path.of(args[0]);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    try {
      // written under another name, then moved, so the parent never reads half a line
      Path partial = target.resolveSibling(target.getFileName() + ".partial");
      Files.writeString(partial, broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      System.out.println("broker ready at " + broker.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // the parent never writes; end of input means stop
      }
    } finally {
      broker.close();
    }
    System.exit(0);
  }
}
