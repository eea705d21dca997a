package dev.eventcontracts.cli;

import static dev.eventcontracts.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventcontracts.kafka.ReplaySummary;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code event-contracts replay}: options, errors and the summary line. The round trip through a
 * broker is tested where a broker is at hand, in sdk-kafka's {@code DeadLetterReplayerTest}.
 */
class ReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void helpListsTheOptionsAndExitCodes() {
    CliRun run = run("replay", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("--bootstrap", "--from", "--to", "--filter", "--dry-run", "--group", "--max")
        .contains("Exit codes:");
  }

  @Test
  void missingRequiredOptionsAreAUsageError() {
    CliRun run = run("replay", "--bootstrap", "127.0.0.1:9092");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--from");
  }

  @Test
  void filterWithoutNameOrValueIsAUsageError() {
    CliRun run = run("replay", "-b", "127.0.0.1:9092", "--from", "x.dlq", "--filter", "INVALID");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--filter must be NAME=VALUE");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void unreachableKafkaExitsTwo() {
    CliRun run = run("replay", "-b", "127.0.0.1:1", "--from", "x.dlq", "--timeout", "2");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("replay: Kafka at 127.0.0.1:1 failed");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void summaryIsOneCompactJsonLine() throws Exception {
    ReplaySummary summary =
        new ReplaySummary(
            "orders.dlq",
            "event-contracts-replay.orders.dlq?ec-dlq-reason=FAILED",
            false,
            5,
            2,
            2,
            3,
            0,
            Map.of("INVALID", 3L, "FAILED", 2L),
            Map.of("orders", 2L),
            true);
    StringWriter out = new StringWriter();
    try (CliOutput cli = CliOutput.jsonLines(out)) {
      ReplayCommand.write(cli, summary, null);
    }
    assertThat(out.toString()).endsWith("\n").doesNotContain("\n ");
    assertThat(out.toString())
        .startsWith(
            "{\"from\":\"orders.dlq\",\"to\":null,"
                + "\"group\":\"event-contracts-replay.orders.dlq?ec-dlq-reason=FAILED\","
                + "\"dry_run\":false,\"read\":5,\"matched\":2,\"replayed\":2,"
                + "\"skipped_by_filter\":3,\"failed\":0,\"complete\":true,");
    JsonNode line = JSON.readTree(out.toString());
    assertThat(line.get("reasons").get("FAILED").asLong()).isEqualTo(2);
    assertThat(line.get("reasons").fieldNames()).toIterable().containsExactly("FAILED", "INVALID");
    assertThat(line.get("targets").get("orders").asLong()).isEqualTo(2);
  }
}
