package dev.eventcontracts.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates the Kafka consumer that {@link KafkaEventConsumer} polls, once per {@link
 * KafkaEventConsumer#start()}. Replace it to wrap or instrument the client (metrics, tracing
 * interceptors, a test double of your own); the default makes a {@link KafkaConsumer} with
 * byte-array deserializers.
 *
 * <pre>{@code
 * KafkaEventConsumer.builder(pipeline)
 *     .consumerFactory(config -> new TracingConsumer<>(KafkaConsumerFactory.standard().create(config)))
 *     ...
 * }</pre>
 */
@FunctionalInterface
public interface KafkaConsumerFactory {

  /**
   * A new consumer for these settings: the builder's consumer properties with {@code
   * enable.auto.commit=false} and {@code max.poll.records} set, and without deserializer settings.
   * The consumer must hand out keys and values as the bytes on the wire.
   */
  Consumer<byte[], byte[]> create(Map<String, Object> config);

  /** The default: a {@link KafkaConsumer} with byte-array deserializers. */
  static KafkaConsumerFactory standard() {
    return config ->
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
