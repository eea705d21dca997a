package dev.eventcontracts.benchmarks.kafka;

/** The consumers compared. */
enum Variant {
  A("a", "bare KafkaConsumer + readTree"),
  B("b", "KafkaEventConsumer, in-memory stores"),
  B2("b2", "KafkaEventConsumer, in-memory stores, concurrency 2"),
  C("c", "KafkaEventConsumer, JDBC stores on PostgreSQL"),
  C3("c3", "KafkaEventConsumer, JDBC stores on PostgreSQL, concurrency 3"),
  T(
      "t",
      "KafkaEventConsumer, transactional PostgreSQL, --tx-batch (100) events per transaction, a"
          + " row each in"
          + " the transaction's StatementBatch"),
  /** (t) with the handler's insert executed at once, a round trip per event. */
  TU(
      "tu",
      "KafkaEventConsumer, transactional PostgreSQL, --tx-batch (100) events per transaction, a"
          + " row each inserted at once"),
  T1(
      "t1",
      "KafkaEventConsumer, transactional PostgreSQL, one transaction per event, a row each in"
          + " the transaction's StatementBatch"),
  R("r", "KafkaEventConsumer, Redis stores"),
  R3("r3", "KafkaEventConsumer, Redis stores, concurrency 3"),
  N0("n0", "KafkaEventConsumer, JDBC stores, 10% duplicates + 5% stale, no near cache"),
  N("n", "KafkaEventConsumer, JDBC stores, 10% duplicates + 5% stale, near cache"),
  /** Diagnostic: the bare loop with {@code EventValidator.validate} instead of readTree. */
  V("v", "bare KafkaConsumer + EventValidator.validate (diagnostic)"),
  /** Diagnostic: the pipeline with stores that do nothing, to separate their cost. */
  B0("b0", "KafkaEventConsumer, no-op stores (diagnostic)");

  final String label;
  final String description;

  Variant(String label, String description) {
    this.label = label;
    this.description = description;
  }

  static Variant of(String label) {
    for (Variant v : values()) {
      if (v.label.equalsIgnoreCase(label.strip())) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown run '" + label + "': use a, b, b2, c, c3, t, tu, t1, r, r3, n, n0, v or b0");
  }
}
