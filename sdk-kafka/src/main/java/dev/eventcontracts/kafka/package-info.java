/**
 * The Kafka transport: {@link dev.eventcontracts.kafka.KafkaEventConsumer} turns records into the
 * pipeline's input and outcomes into offset commits, {@link
 * dev.eventcontracts.kafka.KafkaDeadLetterSink} writes dead letters to {@code <topic>.dlq} topics,
 * and {@link dev.eventcontracts.kafka.DeadLetterReplayer} sends them back. Header names are in
 * {@link dev.eventcontracts.kafka.KafkaHeaders}.
 */
@NullMarked
package dev.eventcontracts.kafka;

import org.jspecify.annotations.NullMarked;
