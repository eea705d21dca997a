package dev.eventcontracts.kafka;

import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.testing.transport.TransportContract;
import dev.eventcontracts.testing.transport.TransportUnderTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@link KafkaEventConsumer} passes the transport compatibility kit on the embedded broker: a topic
 * of three partitions (keys spread over them), one consumer group per source.
 */
class KafkaTransportTest extends TransportContract {
  @Override
  protected TransportUnderTest transport() {
    KafkaTestSupport.broker(); // starts the shared broker
    return name -> {
      String topic = KafkaTestSupport.topics(name, 3);
      String group = KafkaTestSupport.group(name);
      return new TransportUnderTest.Source() {
        @Override
        public void send(String key, byte[] value, Map<String, String> attributes) {
          RecordHeaders headers = new RecordHeaders();
          attributes.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
          KafkaTestSupport.send(
              new ProducerRecord<>(
                  topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers));
        }

        @Override
        public TransportUnderTest.RunningConsumer start(EventPipeline pipeline) {
          KafkaEventConsumer consumer =
              KafkaEventConsumer.builder(pipeline)
                  .consumerProperties(KafkaTestSupport.consumerProperties())
                  .groupId(group)
                  .topics(List.of(topic))
                  .pollTimeout(Duration.ofMillis(200))
                  .closeTimeout(Duration.ofSeconds(20))
                  .build();
          consumer.start();
          return TransportUnderTest.RunningConsumer.of(consumer::close, consumer::kill);
        }
      };
    };
  }
}
