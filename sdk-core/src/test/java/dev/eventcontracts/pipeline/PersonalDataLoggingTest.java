package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static dev.eventcontracts.pipeline.Fixtures.msg;
import static dev.eventcontracts.pipeline.Fixtures.profile;
import static dev.eventcontracts.pipeline.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.testing.stores.MutableClock;
import io.github.resilience4j.retry.RetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With payload logging off (the default), no payload value reaches a log line, in any outcome:
 * events carry emails and names. The test captures everything the run logs (slf4j-simple writes to
 * standard error) over events whose personal data sits in keys, entities, wrong-typed fields, enum
 * and format violations, unreadable JSON, handler exceptions and binding failures.
 */
class PersonalDataLoggingTest {
  private static final String EMAIL = "alice.secretname@example.com";

  /** A payload type that cannot bind a schema-valid candidate id: binding fails on the value. */
  record NumericCandidate(int candidate_id) {}

  @Test
  void noPersonalDataIsLoggedInAnyOutcome() {
    MutableClock clock = MutableClock.startingAt(NOW);
    EventPipeline pipeline =
        Fixtures.pipeline(DeadLetterSink.inMemory(), clock)
            .retry(RetryConfig.custom().maxAttempts(2).build())
            .handler(
                "profile.updated",
                com.fasterxml.jackson.databind.JsonNode.class,
                (payload, context) -> {
                  if (payload.path("changed_fields").path(0).asText().equals("fail")) {
                    throw new IllegalStateException("cannot apply profile of " + EMAIL);
                  }
                })
            .handler("job.updated", NumericCandidate.class, (payload, context) -> {})
            .build();
    ObjectNode valid = profile(EMAIL, 3);
    ObjectNode failing = profile(EMAIL, 9);
    ((ObjectNode) failing.get("payload")).putArray("changed_fields").add("fail");
    ObjectNode job = Fixtures.job("job_1", 1);
    ((ObjectNode) job.get("payload")).put("job_id", EMAIL);

    List<String> inputs = new ArrayList<>();
    inputs.add(valid.toString()); // PROCESSED
    inputs.add(valid.toString()); // DUPLICATE
    inputs.add(profile(EMAIL, 2).toString()); // STALE
    inputs.add(with(profile("cand_1", 1), "tenant_id", EMAIL).toString()); // PROCESSED, tenant
    ObjectNode wrongType = profile("cand_2", 1);
    ((ObjectNode) wrongType.get("payload")).put("profile_version", EMAIL);
    inputs.add(wrongType.toString()); // INVALID: type
    ObjectNode wrongEnum = profile("cand_3", 1);
    ((ObjectNode) wrongEnum.get("payload")).put("source", EMAIL);
    inputs.add(wrongEnum.toString()); // INVALID: enum
    ObjectNode wrongFormat = profile("cand_4", 1);
    ((ObjectNode) wrongFormat.get("payload")).put("updated_at", EMAIL);
    inputs.add(wrongFormat.toString()); // INVALID: format
    ObjectNode extra = profile("cand_5", 1);
    extra.put("unexpected_" + "field", EMAIL);
    inputs.add(extra.toString()); // INVALID or PROCESSED, whatever the envelope allows
    inputs.add(valid.toString().replace("\"" + EMAIL + "\"", EMAIL)); // MALFORMED: bare token
    inputs.add(valid.toString().substring(0, valid.toString().indexOf(EMAIL) + 10)); // truncated
    inputs.add("{\"candidate\": \"" + EMAIL + "\"}"); // no envelope
    inputs.add(valid.toString().replace("\"v1\"", "\"v9\"")); // UNSUPPORTED_VERSION
    inputs.add(valid.toString().replace("\"profile.updated\"", "\"profile.erased\"")); // UNKNOWN
    inputs.add(failing.toString()); // FAILED: the handler's message quotes the email
    inputs.add(job.toString()); // INVALID: binding the value to an int fails
    inputs.add(profile("cand_" + EMAIL + "x".repeat(600), 1).toString()); // INVALID: unstorable key

    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    List<ProcessingResult> results = new ArrayList<>();
    try (PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setErr(tee);
      for (String input : inputs) {
        ProcessingResult result = pipeline.process(msg(input));
        if (!result.acknowledged()) {
          result = pipeline.process(msg(input), 2); // the retry's delivery, dead-lettered
        }
        results.add(result);
        outcomes.add(result.outcome());
      }
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(outcomes)
        .contains(
            Outcome.PROCESSED,
            Outcome.DUPLICATE,
            Outcome.STALE,
            Outcome.INVALID,
            Outcome.MALFORMED,
            Outcome.UNSUPPORTED_VERSION,
            Outcome.UNKNOWN_EVENT,
            Outcome.FAILED);
    assertThat(log).as("the run logged its dead letters").contains("dead-lettered");
    assertThat(log).doesNotContain("alice").doesNotContain("secretname").doesNotContain("example");
    // nor do the violations the SDK writes into results, dead letters and the CLI's output
    for (ProcessingResult result : results) {
      result
          .violations()
          .forEach(v -> assertThat(v.message()).as(v.toString()).doesNotContain("alice"));
    }
  }
}
