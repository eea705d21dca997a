package dev.eventcontracts.pipeline;

/** What the transport must do with a message once the pipeline is done with it. */
public enum Disposition {
  /**
   * Acknowledge (Pub/Sub ack, Kafka commit): the outcome is final — handled, skipped, or stored in
   * the dead-letter sink.
   */
  ACKNOWLEDGE,
  /**
   * Do not acknowledge; deliver the message again after the result's retry delay (Pub/Sub nack,
   * Kafka seek back and pause the partition). Used for handler failures with retries left, for a
   * dead-letter sink that failed, and for an event another consumer is handling right now.
   */
  RETRY
}
