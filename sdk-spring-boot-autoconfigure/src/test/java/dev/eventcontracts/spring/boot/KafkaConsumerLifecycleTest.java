package dev.eventcontracts.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventcontracts.kafka.KafkaEventConsumer;
import dev.eventcontracts.spring.kafka.KafkaTestSupport;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import dev.eventcontracts.testing.server.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's consumer on the in-JVM broker: it starts with the context, reports its health, and
 * stops gracefully with a message in flight: the handler finishes, the finished records are
 * committed, the unstarted ones are not, and a second instance of the application handles exactly
 * those. Nothing is lost and nothing runs twice.
 */
class KafkaConsumerLifecycleTest {
  static final String TOPIC = "spring-lifecycle-recruiting";
  static final String GROUP = "spring-lifecycle";
  static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
  static final List<String> APPLIED = new CopyOnWriteArrayList<>();
  static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);
  static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);

  /** Applies profiles; {@code cand_slow} waits until the test releases it. */
  static class SlowProfiles {
    @EventHandlerMethod(event = "profile.updated")
    void on(KafkaTestSupport.Profile profile) throws InterruptedException {
      CALLS.computeIfAbsent(profile.candidateId(), c -> new AtomicInteger()).incrementAndGet();
      if (profile.candidateId().equals("cand_slow")) {
        SLOW_STARTED.countDown();
        assertThat(RELEASE_SLOW.await(30, TimeUnit.SECONDS)).isTrue();
      }
      APPLIED.add(profile.candidateId());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class App {
    @Bean
    SlowProfiles slowProfiles() {
      return new SlowProfiles();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void startsWithTheContextAndStopsGracefullyWithAMessageInFlight() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
    broker.createTopic(TOPIC, 1);
    RecruitingEvents events = RecruitingEvents.withSeed(3);
    KafkaTestSupport.publish(
        broker.bootstrapServers(),
        TOPIC,
        List.of(
            RecruitingEvents.bytes(events.profileUpdated("cand_1", 1)),
            RecruitingEvents.bytes(events.profileUpdated("cand_slow", 1)),
            RecruitingEvents.bytes(events.profileUpdated("cand_2", 1)),
            RecruitingEvents.bytes(events.profileUpdated("cand_3", 1))));
    ApplicationContextRunner runner =
        new ApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    EventContractsAutoConfiguration.class,
                    EventContractsKafkaAutoConfiguration.class,
                    EventContractsHealthAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues(
                "eventcontracts.registry.location=classpath:contracts/recruiting",
                "eventcontracts.kafka.topics=" + TOPIC,
                "eventcontracts.kafka.group-id=" + GROUP,
                "eventcontracts.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "eventcontracts.kafka.consumer-properties.auto.offset.reset=earliest",
                "eventcontracts.kafka.max-batch=1",
                "eventcontracts.kafka.close-timeout=20s",
                "eventcontracts.dead-letter.topic=" + TOPIC + ".dlq");

    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(KafkaEventConsumer.class);
          KafkaConsumerLifecycle lifecycle = context.getBean(KafkaConsumerLifecycle.class);
          assertThat(lifecycle.isRunning()).isTrue();
          assertThat(SLOW_STARTED.await(60, TimeUnit.SECONDS)).isTrue();
          assertThat(APPLIED).containsExactly("cand_1");

          Health health = context.getBean(EventContractsHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("consumer", "running");

          // shut down while cand_slow is in the handler; release it a moment later
          Thread releaser =
              new Thread(
                  () -> {
                    try {
                      Thread.sleep(500);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    RELEASE_SLOW.countDown();
                  });
          releaser.start();
          context.close();
          releaser.join();
          assertThat(lifecycle.isRunning()).isFalse();
          assertThat(APPLIED).containsExactly("cand_1", "cand_slow");
          assertThat(KafkaTestSupport.committed(broker.bootstrapServers(), GROUP, TOPIC))
              .isEqualTo(2);
        });

    // a second instance of the application takes over from the committed offset
    runner.run(
        context -> {
          await().atMost(Duration.ofSeconds(60)).until(() -> APPLIED.size() == 4);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> KafkaTestSupport.committed(broker.bootstrapServers(), GROUP, TOPIC) == 4);
        });
    assertThat(APPLIED).containsExactly("cand_1", "cand_slow", "cand_2", "cand_3");
    assertThat(CALLS).allSatisfy((candidate, calls) -> assertThat(calls.get()).isEqualTo(1));
  }

  @Test
  void aConsumerWithoutAGroupIsTold() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                EventContractsAutoConfiguration.class, EventContractsKafkaAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withPropertyValues(
            "eventcontracts.registry.location=classpath:contracts/recruiting",
            "eventcontracts.dead-letter.destination=memory",
            "eventcontracts.kafka.topics=a,b",
            "eventcontracts.kafka.bootstrap-servers=localhost:1")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("eventcontracts.kafka.group-id is required");
            });
  }

  @Test
  void theConsumerBeansBackOff() {
    KafkaEventConsumer[] own = new KafkaEventConsumer[1];
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                EventContractsAutoConfiguration.class,
                EventContractsKafkaAutoConfiguration.class,
                EventContractsHealthAutoConfiguration.class))
        .withUserConfiguration(App.class)
        .withBean(ConsumerStatus.class, ConsumerStatus::new)
        .withBean(
            "ownLifecycle",
            KafkaConsumerLifecycle.class,
            () -> null,
            definition -> definition.setAutowireCandidate(true))
        .withPropertyValues(
            "eventcontracts.registry.location=classpath:contracts/recruiting",
            "eventcontracts.dead-letter.destination=memory",
            "eventcontracts.kafka.topics=a",
            "eventcontracts.kafka.group-id=g",
            "eventcontracts.kafka.bootstrap-servers=localhost:1")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ConsumerStatus.class);
              assertThat(context).doesNotHaveBean("eventContractsKafkaConsumerLifecycle");
              assertThat(context).doesNotHaveBean("eventContractsConsumerStatus");
              own[0] = context.getBean(KafkaEventConsumer.class);
            });
    assertThat(own[0]).isNotNull();
  }
}
