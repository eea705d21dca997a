package dev.eventcontracts.examples.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.testing.harness.HandlerHarness;
import dev.eventcontracts.testing.junit.ContractTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Seed 003 (todo, CloudEvents 1.0): a task board projection over the task family, which orders
 * created, updated, completed and deleted events of one task against each other.
 */
@ContractTest(registry = "registries/todo")
class TodoConsumerContractTest {

  /** The task board: one row per task, rebuilt from replays (REPROCESS). */
  static final class TaskBoard {
    record TaskCreated(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("title") String title,
        @JsonProperty("priority") String priority,
        @JsonProperty("due_date") String dueDate,
        @JsonProperty("tags") List<String> tags) {}

    record TaskUpdated(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("changed_fields") List<String> changedFields,
        @JsonProperty("title") String title,
        @JsonProperty("priority") String priority,
        @JsonProperty("due_date") String dueDate) {}

    record TaskCompleted(@JsonProperty("task_id") String taskId) {}

    record TaskDeleted(@JsonProperty("task_id") String taskId) {}

    record Task(String owner, String title, String priority, String dueDate, boolean done) {
      Task withUpdate(TaskUpdated u) {
        return new Task(
            owner,
            u.title() != null ? u.title() : title,
            u.priority() != null ? u.priority() : priority,
            u.dueDate() != null ? u.dueDate() : dueDate,
            done);
      }
    }

    private static final Task UNKNOWN = new Task(null, "(not yet created)", "medium", null, false);

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    List<HandlerBinding<?>> bindings() {
      return List.of(
          HandlerBinding.of("com.todo.task.created", TaskCreated.class, this::onCreated)
              .replayPolicy(ReplayPolicy.REPROCESS),
          HandlerBinding.of("com.todo.task.updated", TaskUpdated.class, this::onUpdated)
              .replayPolicy(ReplayPolicy.REPROCESS),
          HandlerBinding.of("com.todo.task.completed", TaskCompleted.class, this::onCompleted)
              .replayPolicy(ReplayPolicy.REPROCESS),
          HandlerBinding.of("com.todo.task.deleted", TaskDeleted.class, this::onDeleted)
              .replayPolicy(ReplayPolicy.REPROCESS));
    }

    void onCreated(TaskCreated e, EventContext context) {
      String priority = e.priority() == null ? "medium" : e.priority();
      tasks.put(e.taskId(), new Task(e.userId(), e.title(), priority, e.dueDate(), false));
    }

    void onUpdated(TaskUpdated e, EventContext context) {
      tasks.merge(e.taskId(), UNKNOWN.withUpdate(e), (old, fresh) -> old.withUpdate(e));
    }

    void onCompleted(TaskCompleted e, EventContext context) {
      tasks.merge(
          e.taskId(),
          new Task(null, UNKNOWN.title(), UNKNOWN.priority(), null, true),
          (old, fresh) -> new Task(old.owner(), old.title(), old.priority(), old.dueDate(), true));
    }

    void onDeleted(TaskDeleted e, EventContext context) {
      tasks.remove(e.taskId());
    }

    Map<String, Task> snapshot() {
      return Map.copyOf(tasks);
    }

    void clear() {
      tasks.clear();
    }
  }

  private final TaskBoard board = new TaskBoard();
  private final HandlerHarness harness;

  TodoConsumerContractTest(ContractRegistry registry) {
    harness =
        HandlerHarness.builder(registry)
            .handlers(board.bindings())
            .state(board::snapshot)
            .reset(board::clear)
            .build();
  }

  @Test
  void everyCheckOfTheKitPasses() {
    harness.assertAll();
  }
}
