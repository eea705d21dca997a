package dev.eventcontracts.spring.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.spring.boot.EventContractsAutoConfiguration;
import dev.eventcontracts.spring.kafka.KafkaTestSupport.Profile;
import dev.eventcontracts.spring.kafka.KafkaTestSupport.Profiles;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * A plain {@code @KafkaListener} application on the in-JVM broker runs the pipeline through {@link
 * EventPipelineListener}: every outcome, the retries, the dead letters, and the committed offset,
 * as with the SDK's own consumer.
 */
class EventPipelineListenerTest {
  static final String TOPIC = "spring-listener-recruiting";
  static final String GROUP = "spring-listener";
  static final List<ProcessingResult> RESULTS = new CopyOnWriteArrayList<>();

  @Configuration(proxyBeanMethods = false)
  @EnableKafka
  static class ListenerApp {
    @Bean
    Profiles profiles() {
      return new Profiles();
    }

    @Bean
    ConsumerFactory<byte[], byte[]> consumerFactory() {
      return new DefaultKafkaConsumerFactory<>(
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              EmbeddedKafkaBroker.shared().bootstrapServers(),
              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
              "earliest",
              ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
              ByteArrayDeserializer.class,
              ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
              ByteArrayDeserializer.class));
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> kafkaListenerContainerFactory(
        ConsumerFactory<byte[], byte[]> consumerFactory) {
      ConcurrentKafkaListenerContainerFactory<byte[], byte[]> factory =
          new ConcurrentKafkaListenerContainerFactory<>();
      factory.setConsumerFactory(consumerFactory);
      factory.setCommonErrorHandler(EventPipelineErrorHandler.create());
      return factory;
    }

    @Bean
    EventPipelineListener eventPipelineListener(EventPipeline pipeline) {
      return new EventPipelineListener(pipeline, RESULTS::add);
    }

    @Bean
    RecruitingListener recruitingListener(EventPipelineListener pipeline) {
      return new RecruitingListener(pipeline);
    }
  }

  /** The team's own listener: it hands each record to the pipeline. */
  static class RecruitingListener {
    private final EventPipelineListener pipeline;

    RecruitingListener(EventPipelineListener pipeline) {
      this.pipeline = pipeline;
    }

    @KafkaListener(topics = TOPIC, groupId = GROUP)
    void on(ConsumerRecord<byte[], byte[]> record) {
      pipeline.process(record);
    }
  }

  @Test
  void aKafkaListenerGetsTheConsumersOutcomesRetriesAndDeadLetters() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
    broker.createTopic(TOPIC, 1);
    KafkaTestSupport.publish(broker.bootstrapServers(), TOPIC, KafkaTestSupport.stream());
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
        .withUserConfiguration(ListenerApp.class)
        .withPropertyValues(
            "eventcontracts.registry.location=classpath:contracts/recruiting",
            "eventcontracts.dead-letter.destination=memory",
            "eventcontracts.retry.initial-interval=50ms")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(
                      () ->
                          KafkaTestSupport.committed(broker.bootstrapServers(), GROUP, TOPIC) == 7);
              List<Outcome> finals =
                  RESULTS.stream()
                      .filter(ProcessingResult::acknowledged)
                      .map(ProcessingResult::outcome)
                      .toList();
              assertThat(finals)
                  .containsExactly(
                      Outcome.PROCESSED,
                      Outcome.DUPLICATE,
                      Outcome.STALE,
                      Outcome.INVALID,
                      Outcome.MALFORMED,
                      Outcome.PROCESSED,
                      Outcome.FAILED);
              // the flaky and the broken handler were retried before their final outcome
              assertThat(RESULTS.stream().filter(r -> !r.acknowledged()).count()).isEqualTo(4);
              Profiles profiles = context.getBean(Profiles.class);
              assertThat(profiles.applied)
                  .containsExactly(new Profile("cand_1", 2), new Profile("cand_flaky", 1));
              assertThat(profiles.calls.get("cand_flaky").get()).isEqualTo(3);
              assertThat(profiles.calls.get("cand_broken").get()).isEqualTo(3);
              List<DeadLetter> deadLetters =
                  ((InMemoryDeadLetterSink) context.getBean(DeadLetterSink.class)).deadLetters();
              assertThat(deadLetters)
                  .extracting(DeadLetter::reasonCode)
                  .containsExactly("INVALID", "MALFORMED", "FAILED");
              DeadLetter failed = deadLetters.get(2);
              assertThat(failed.attempts()).isEqualTo(3);
              assertThat(failed.message().origin().source()).isEqualTo(TOPIC);
              assertThat(failed.message().origin().offset()).isEqualTo(6);
              assertThat(failed.message().origin().consumerGroup()).isEqualTo(GROUP);
            });
  }
}
