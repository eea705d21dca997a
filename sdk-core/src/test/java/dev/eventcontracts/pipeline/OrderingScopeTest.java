package dev.eventcontracts.pipeline;

import static dev.eventcontracts.pipeline.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.Field;
import dev.eventcontracts.contract.OrderingRule;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.EnvelopeFormats;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Fixtures.Recorder;
import dev.eventcontracts.testing.stores.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's task lifecycle orders across a contract family: every {@code com.todo.task.*} contract
 * of the example registry names the ordering scope {@code com.todo.task}, so created, updated,
 * completed and deleted events of one task order against one entity, whatever order they arrive in.
 */
class OrderingScopeTest {
  private static final Path TODO = Path.of("../examples/registries/todo");
  private static final String TASK = "d612a34b-f35b-4cf0-9194-52e9511e39c8";
  private static final String OTHER_TASK = "0b8a2f4e-2f7c-4a53-9a0e-6f1d2c3b4a59";
  private static final String USER = "57810fc9-d961-4327-b182-14c3758ca3da";
  private static final Instant T0 = Instant.parse("2026-02-03T09:00:00Z");

  private final EntityVersionStore versions = EntityVersionStore.inMemory();
  private final Recorder handled = new Recorder();

  private EventPipeline todo() {
    return pipeline(ContractRegistry.load(TODO));
  }

  private EventPipeline pipeline(ContractRegistry registry) {
    EventPipeline.Builder b =
        EventPipeline.builder(registry)
            .deadLetterSink(DeadLetterSink.inMemory())
            .clock(MutableClock.startingAt(NOW))
            .entityVersionStore(versions);
    for (String action : List.of("created", "updated", "completed", "deleted")) {
      b.handler(HandlerBinding.ofJson("com.todo.task." + action, handled));
    }
    return b.build();
  }

  /** A structured CloudEvent of the task family, {@code minutes} after T0. */
  private static InboundMessage task(String action, String task, int minutes) {
    Instant at = T0.plusSeconds(60L * minutes);
    ObjectNode event = Fixtures.MAPPER.createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", UUID.randomUUID().toString());
    event.put("source", "/chat-api");
    event.put("type", "com.todo.task." + action + ".v1");
    event.put("time", at.toString());
    event.put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    data.put("task_id", task);
    data.put("user_id", USER);
    switch (action) {
      case "created" -> data.put("title", "Water the plants").put("created_at", at.toString());
      case "updated" -> {
        data.putArray("changed_fields").add("priority");
        data.put("updated_at", at.toString()).put("priority", "high");
      }
      case "completed" -> data.put("completed_at", at.toString());
      case "deleted" -> data.put("deleted_at", at.toString());
      default -> throw new IllegalArgumentException(action);
    }
    return InboundMessage.of(event.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Outcome outcome(EventPipeline pipeline, InboundMessage message) {
    return pipeline.process(message).outcome();
  }

  @Test
  void anOlderUpdateAfterTheDeleteIsStale() {
    EventPipeline pipeline = todo();
    assertThat(outcome(pipeline, task("created", TASK, 0))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 5))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("deleted", TASK, 10))).isEqualTo(Outcome.PROCESSED);
    // the update written at minute 7 arrives after the delete of minute 10
    assertThat(outcome(pipeline, task("updated", TASK, 7))).isEqualTo(Outcome.STALE);
    assertThat(handled.count()).isEqualTo(3);
  }

  @Test
  void aDeleteThatOvertakesTheCreateMakesTheCreateAndUpdatesStale() {
    EventPipeline pipeline = todo();
    assertThat(outcome(pipeline, task("deleted", TASK, 10))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("created", TASK, 0))).isEqualTo(Outcome.STALE);
    assertThat(outcome(pipeline, task("updated", TASK, 5))).isEqualTo(Outcome.STALE);
    assertThat(outcome(pipeline, task("completed", TASK, 9))).isEqualTo(Outcome.STALE);
    assertThat(handled.count()).isEqualTo(1);
  }

  @Test
  void theEntityIsNamedByTheScopeNotByTheContract() {
    EventPipeline pipeline = todo();
    ProcessingResult created = pipeline.process(task("created", TASK, 0));
    ProcessingResult deleted = pipeline.process(task("deleted", TASK, 10));
    assertThat(created.entity())
        .isEqualTo(deleted.entity())
        .contains("com.todo.task")
        .contains(TASK);
    assertThat(created.entity()).doesNotContain("com.todo.task.created");
  }

  @Test
  void anUpdateAtTheSameInstantAsTheDeleteIsStale() {
    EventPipeline pipeline = todo();
    assertThat(outcome(pipeline, task("created", TASK, 0))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("deleted", TASK, 10))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 10))).isEqualTo(Outcome.STALE);
  }

  @Test
  void inOrderLifecycleIsProcessedAndANewerEventAfterTheDeleteStillApplies() {
    // the SDK orders events; it keeps no tombstone, so a later event of a deleted task is newer
    EventPipeline pipeline = todo();
    assertThat(outcome(pipeline, task("created", TASK, 0))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 1))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("completed", TASK, 2))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("deleted", TASK, 3))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 4))).isEqualTo(Outcome.PROCESSED);
    assertThat(handled.count()).isEqualTo(5);
  }

  @Test
  void tasksOrderIndependently() {
    EventPipeline pipeline = todo();
    assertThat(outcome(pipeline, task("deleted", TASK, 10))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("created", OTHER_TASK, 0))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", OTHER_TASK, 5))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 5))).isEqualTo(Outcome.STALE);
  }

  @Test
  void withoutAScopeEachContractOrdersItsOwnEntities() {
    // the same family built in code without inScope: an older update after the delete is applied
    ContractRegistry unscoped = todoInCode(null);
    EventPipeline pipeline = pipeline(unscoped);
    assertThat(outcome(pipeline, task("created", TASK, 0))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("deleted", TASK, 10))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(pipeline, task("updated", TASK, 7))).isEqualTo(Outcome.PROCESSED);

    ContractRegistry scoped = todoInCode("task");
    assertThat(scoped.contracts()).allMatch(c -> c.orderingScope().equals("task"));
    EventPipeline inScope = pipeline(scoped);
    assertThat(outcome(inScope, task("deleted", OTHER_TASK, 10))).isEqualTo(Outcome.PROCESSED);
    assertThat(outcome(inScope, task("updated", OTHER_TASK, 7))).isEqualTo(Outcome.STALE);
  }

  @Test
  void contractsOfOneScopeMustOrderByTheSameKindOfPosition() {
    EventContract byTime =
        EventContract.builder("a.created", "v1")
            .required("id", Field.string())
            .ordering(OrderingRule.byTimestamp("{id}", "envelope.occurred_at").inScope("a"))
            .build();
    EventContract byVersion =
        EventContract.builder("a.updated", "v1")
            .required("id", Field.string())
            .required("n", Field.integer())
            .ordering(OrderingRule.byVersion("{id}", "n").inScope("a"))
            .build();
    assertThatThrownBy(() -> ContractRegistry.builder().add(byTime).add(byVersion).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ordering scope 'a' mixes a timestamp position (a.created v1)");
    assertThatThrownBy(() -> OrderingRule.byVersion("{id}", "n").inScope(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ContractRegistry todoInCode(String scope) {
    ContractRegistry.Builder b =
        ContractRegistry.builder().envelopeFormat(EnvelopeFormats.cloudEvents());
    for (String action : List.of("created", "updated", "completed", "deleted")) {
      OrderingRule rule = OrderingRule.byTimestamp("{task_id}", "envelope.occurred_at");
      b.add(
          EventContract.builder("com.todo.task." + action, "v1")
              .required("task_id", Field.string())
              .ordering(scope == null ? rule : rule.inScope(scope))
              .build());
    }
    return b.build();
  }
}
