package dev.eventcontracts.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.api.gax.rpc.ApiException;
import dev.eventcontracts.kafka.DeadLetterReplayer;
import dev.eventcontracts.kafka.ReplaySummary;
import dev.eventcontracts.pubsub.PubSubDeadLetterReplayer;
import dev.eventcontracts.pubsub.PubSubReplaySummary;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code event-contracts replay --bootstrap HOST:PORT --from TOPIC.dlq [--to TOPIC] [--filter
 * NAME=VALUE]... [--dry-run] [--group NAME] [--max N]}: sends dead letters back to their topic with
 * {@code replay=true} and prints a JSON summary. With {@code --transport pubsub --project P},
 * {@code --from} is a dead-letter subscription and {@code --to} a topic. The work is {@link
 * DeadLetterReplayer}'s or {@link PubSubDeadLetterReplayer}'s; this class only maps options and
 * output.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Sends dead letters from a Kafka DLQ topic, or a Pub/Sub dead-letter subscription"
          + " (--transport pubsub), back to be consumed again.",
      "Reads the DLQ topic up to its end at start (from where this replay group stopped last"
          + " time), and re-publishes each matching record with its original key, value and"
          + " headers, minus every ec-dlq-* header, plus replay=true. The event (event_id,"
          + " occurred_at) is not changed.",
      "Commits the replay group's offsets once the sends are acknowledged, so running the same"
          + " replay again sends only dead letters that arrived since.",
      "On Pub/Sub, --from is the dead-letter subscription and the target is --to or the topic of"
          + " each dead letter's ec-dlq-origin-subscription; a dead letter is acked once its"
          + " replay is confirmed, others are left in the subscription.",
      "Prints one JSON object: read, matched, replayed, skipped_by_filter, failed, per-reason"
          + " and per-target counts."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every matching dead letter was replayed (or, with --dry-run, counted)",
      "1:some dead letters could not be replayed (no target topic, a failed send) or the read"
          + " timed out; a later run starts with them",
      "2:usage error, the DLQ topic or subscription does not exist, or Kafka or Pub/Sub cannot"
          + " be reached"
    })
public final class ReplayCommand implements Callable<Integer> {
  private static final String KAFKA_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.apache.kafka";

  @Spec private CommandSpec spec;

  @Option(
      names = "--transport",
      paramLabel = "kafka|pubsub",
      defaultValue = "kafka",
      description = "Where the dead letters are (default: ${DEFAULT-VALUE}).")
  private String transport;

  @Option(
      names = {"-b", "--bootstrap"},
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers, comma-separated (Kafka only, required there).")
  private String bootstrap;

  @Option(
      names = "--project",
      paramLabel = "PROJECT",
      description = "Google Cloud project of the subscription and topics (Pub/Sub only, required).")
  private String project;

  @Option(
      names = "--emulator-host",
      paramLabel = "HOST:PORT",
      description =
          "Pub/Sub emulator or test server, plaintext and no credentials; by default the real"
              + " service with Application Default Credentials (Pub/Sub only).")
  private String emulatorHost;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TOPIC",
      description = "The dead-letter topic to read, such as orders.dlq.")
  private String from;

  @Option(
      names = "--to",
      paramLabel = "TOPIC",
      description =
          "Send every record to this topic; by default each goes to its ec-dlq-origin-topic.")
  private String to;

  @Option(
      names = "--filter",
      paramLabel = "NAME=VALUE",
      description = {
        "Replay only matching records: reason=INVALID, event=profile.updated, or any ec-dlq-*"
            + " header with or without its prefix (origin-topic=orders).",
        "Repeat for more: different names must all match, values for one name are alternatives."
      })
  private List<String> filters = new ArrayList<>();

  @Option(names = "--dry-run", description = "Read and count only: send and commit nothing.")
  private boolean dryRun;

  @Option(
      names = "--group",
      paramLabel = "NAME",
      description =
          "Consumer group that remembers what was replayed; by default derived from --from and"
              + " the filters. Never the group of a running consumer.")
  private String group;

  @Option(
      names = "--max",
      paramLabel = "N",
      description = "Replay at most N records; the next run continues after them.")
  private Long max;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Longest time spent reading (default: ${DEFAULT-VALUE}).")
  private long timeoutSeconds;

  @Option(
      names = {"-p", "--property"},
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client setting for both the consumer and the producer, such as"
              + " security.protocol=SSL; repeat for more.")
  private Map<String, String> properties = new LinkedHashMap<>();

  /** Runs the replay and returns the exit code. */
  @Override
  public Integer call() throws IOException {
    if (transport.equals("pubsub")) {
      return pubsub();
    }
    if (!transport.equals("kafka")) {
      return CliOutput.fail(spec, "--transport must be kafka or pubsub, not '" + transport + "'");
    }
    if (bootstrap == null) {
      return CliOutput.fail(spec, "--bootstrap is required for Kafka");
    }
    quietKafkaClientLogs();
    Map<String, Object> client = new HashMap<>(properties);
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    DeadLetterReplayer replayer;
    try {
      DeadLetterReplayer.Builder builder =
          DeadLetterReplayer.builder(client)
              .from(from)
              .dryRun(dryRun)
              .timeout(Duration.ofSeconds(timeoutSeconds));
      for (String filter : filters) {
        int eq = filter.indexOf('=');
        if (eq <= 0 || eq == filter.length() - 1) {
          return CliOutput.fail(spec, "--filter must be NAME=VALUE, not '" + filter + "'");
        }
        builder.filter(filter.substring(0, eq), filter.substring(eq + 1));
      }
      if (to != null) {
        builder.to(to);
      }
      if (group != null) {
        builder.groupId(group);
      }
      if (max != null) {
        builder.maxRecords(max);
      }
      replayer = builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CliOutput.fail(spec, e.getMessage());
    }
    ReplaySummary summary;
    try {
      summary = replayer.run();
    } catch (IllegalArgumentException e) {
      return CliOutput.fail(spec, e.getMessage());
    } catch (KafkaException e) {
      return CliOutput.fail(spec, "Kafka at " + bootstrap + " failed: " + e.getMessage());
    }
    try (CliOutput out = CliOutput.jsonLines(spec.commandLine().getOut())) {
      write(out, summary, to);
    }
    boolean stoppedAtMax = max != null && summary.matched() >= max;
    return summary.failed() == 0 && (summary.complete() || stoppedAtMax)
        ? CliOutput.OK
        : CliOutput.NOT_VALID;
  }

  private Integer pubsub() throws IOException {
    if (project == null) {
      return CliOutput.fail(spec, "--project is required for Pub/Sub");
    }
    if (group != null || bootstrap != null || !properties.isEmpty()) {
      return CliOutput.fail(spec, "--group, --bootstrap and --property are for Kafka only");
    }
    PubSubReplaySummary summary;
    try {
      PubSubDeadLetterReplayer.Builder builder =
          PubSubDeadLetterReplayer.builder(project)
              .from(from)
              .dryRun(dryRun)
              .timeout(Duration.ofSeconds(timeoutSeconds));
      for (String filter : filters) {
        int eq = filter.indexOf('=');
        if (eq <= 0 || eq == filter.length() - 1) {
          return CliOutput.fail(spec, "--filter must be NAME=VALUE, not '" + filter + "'");
        }
        builder.filter(filter.substring(0, eq), filter.substring(eq + 1));
      }
      if (to != null) {
        builder.to(to);
      }
      if (max != null) {
        builder.maxMessages(max);
      }
      if (emulatorHost != null) {
        builder.emulatorHost(emulatorHost);
      }
      try (PubSubDeadLetterReplayer replayer = builder.build()) {
        summary = replayer.run();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CliOutput.fail(spec, e.getMessage());
    } catch (ApiException e) {
      return CliOutput.fail(spec, "Pub/Sub failed: " + e.getMessage());
    }
    try (CliOutput out = CliOutput.jsonLines(spec.commandLine().getOut())) {
      write(
          out,
          new ReplaySummary(
              summary.from(),
              "",
              summary.dryRun(),
              summary.read(),
              summary.matched(),
              summary.replayed(),
              summary.skippedByFilter(),
              summary.failed(),
              summary.reasons(),
              summary.targets(),
              summary.complete()),
          to);
    }
    boolean stoppedAtMax = max != null && summary.matched() >= max;
    return summary.failed() == 0 && (summary.complete() || stoppedAtMax)
        ? CliOutput.OK
        : CliOutput.NOT_VALID;
  }

  /**
   * Kafka's clients log their whole configuration at INFO, which would bury the command's own
   * problems on stderr; unless a level was chosen ({@code
   * -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info}), they log warnings only.
   */
  private static void quietKafkaClientLogs() {
    if (System.getProperty(KAFKA_LOG_LEVEL) == null) {
      System.setProperty(KAFKA_LOG_LEVEL, "warn");
    }
  }

  /** Writes the summary as one JSON line. */
  static void write(CliOutput out, ReplaySummary summary, String to) throws IOException {
    JsonGenerator json = out.json();
    json.writeStartObject();
    json.writeStringField("from", summary.from());
    json.writeStringField("to", to);
    if (!summary.groupId().isEmpty()) {
      json.writeStringField("group", summary.groupId());
    }
    json.writeBooleanField("dry_run", summary.dryRun());
    json.writeNumberField("read", summary.read());
    json.writeNumberField("matched", summary.matched());
    json.writeNumberField("replayed", summary.replayed());
    json.writeNumberField("skipped_by_filter", summary.skippedByFilter());
    json.writeNumberField("failed", summary.failed());
    json.writeBooleanField("complete", summary.complete());
    writeCounts(json, "reasons", summary.reasons());
    writeCounts(json, "targets", summary.targets());
    json.writeEndObject();
    out.endLine();
  }

  private static void writeCounts(JsonGenerator json, String field, Map<String, Long> counts)
      throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
  }
}
