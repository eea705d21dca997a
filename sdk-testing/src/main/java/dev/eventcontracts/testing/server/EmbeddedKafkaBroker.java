package dev.eventcontracts.testing.server;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka (KRaft broker and controller in one) running inside the current JVM on free
 * loopback ports, with a temporary log directory and settings that make tests fast: internal topics
 * with replication factor 1 and 3 partitions, and no delay before the first rebalance.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final int NODE_ID = 1;
  private static final String CONTROLLER = "CONTROLLER";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Shared<EmbeddedKafkaBroker> SHARED =
      new Shared<>("Kafka broker", () -> launch(Map.of(), false));

  private final Path logDir;
  private final int port;
  private final Properties config;
  private KafkaRaftServer server;
  private final boolean stopOnClose;
  private final Thread shutdownHook;
  private boolean stopped;
  private boolean down;

  private EmbeddedKafkaBroker(
      Path logDir, int port, Properties config, KafkaRaftServer server, boolean stopOnClose) {
    this.logDir = logDir;
    this.port = port;
    this.config = config;
    this.server = server;
    this.stopOnClose = stopOnClose;
    this.shutdownHook = new Thread(this::stop, "embedded-kafka-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a private broker with the default settings. */
  public static EmbeddedKafkaBroker start() {
    return start(Map.of());
  }

  /** Starts a private broker with broker settings {@code overrides} applied over the defaults. */
  public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
    return launch(overrides, true);
  }

  /**
   * Returns the JVM-wide broker with default settings, started on first use and stopped at JVM
   * exit; {@link #close()} leaves it running.
   */
  public static EmbeddedKafkaBroker shared() {
    return SHARED.get();
  }

  /** The {@code bootstrap.servers} value for clients, like {@code 127.0.0.1:PORT}. */
  public String bootstrapServers() {
    return LocalServer.HOST + ":" + port;
  }

  /**
   * Shuts a private broker down, as a broker restart or crash would look to clients: connections
   * break, and produce, fetch and commit requests fail until {@link #restart()}. Its logs and
   * committed offsets are kept.
   */
  public synchronized void shutdown() {
    if (!stopOnClose) {
      throw new IllegalStateException("the shared broker cannot be shut down; use start()");
    }
    if (!down && !stopped) {
      server.shutdown();
      server.awaitShutdown();
      down = true;
    }
  }

  /** Starts a broker shut down by {@link #shutdown()} again, on the same ports and logs. */
  public synchronized void restart() {
    if (down) {
      server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
      server.startup();
      down = false;
      awaitReady();
    }
  }

  /** Creates a topic with replication factor 1 and waits until the broker has accepted it. */
  public void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      await(
          admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(),
          ADMIN_TIMEOUT);
    }
  }

  /**
   * Stops a broker made by {@link #start()} and deletes its data; does nothing to the shared one.
   */
  @Override
  public void close() {
    if (stopOnClose) {
      stop();
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers() + "]";
  }

  private static EmbeddedKafkaBroker launch(Map<String, String> overrides, boolean stopOnClose) {
    Path logDir = LocalServer.createTempDir("kafka");
    int[] ports = LocalServer.freePorts(2);
    EmbeddedKafkaBroker broker;
    try {
      Properties config = config(logDir, ports[0], ports[1]);
      config.putAll(overrides);
      format(logDir);
      KafkaRaftServer server =
          new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
      broker = new EmbeddedKafkaBroker(logDir, ports[0], config, server, stopOnClose);
    } catch (RuntimeException e) {
      LocalServer.deleteRecursively(logDir);
      throw e;
    }
    try {
      broker.server.startup();
      broker.awaitReady();
      return broker;
    } catch (RuntimeException e) {
      broker.stop();
      throw e;
    }
  }

  private static Properties config(Path logDir, int port, int controllerPort) {
    String host = LocalServer.HOST;
    Properties config = new Properties();
    config.put("process.roles", "broker,controller");
    config.put("node.id", String.valueOf(NODE_ID));
    config.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    config.put(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER
            + "://"
            + host
            + ":"
            + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    config.put(
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("controller.listener.names", CONTROLLER);
    config.put("log.dirs", logDir.toString());
    // one node: every internal topic has replication factor 1; few partitions make the first
    // consumer group and the first transaction fast (the default is 50 partitions each)
    config.put("offsets.topic.replication.factor", "1");
    config.put("offsets.topic.num.partitions", "3");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("transaction.state.log.num.partitions", "3");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    // the log cleaner reserves 128 MiB of heap by default, too much inside a test JVM
    config.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    return config;
  }

  /** Writes the metadata a new KRaft node needs, as {@code kafka-storage.sh format} does. */
  private static void format(Path logDir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format the Kafka log directory " + logDir, e);
    }
  }

  /** Waits until the broker answers metadata requests, which it does only once it is unfenced. */
  private void awaitReady() {
    try (Admin admin = admin()) {
      await(admin.describeCluster().nodes(), START_TIMEOUT);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) START_TIMEOUT.toMillis()));
  }

  private static <T> T await(KafkaFuture<T> future, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + timeout, e);
    }
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (!down) {
      server.shutdown();
      server.awaitShutdown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // this call comes from the hook itself
    }
    LocalServer.deleteRecursively(logDir);
  }
}
