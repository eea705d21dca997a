package dev.eventcontracts.spring.boot;

import static dev.eventcontracts.spring.boot.TestHandlers.CLASSPATH_REGISTRY;
import static dev.eventcontracts.spring.boot.TestHandlers.MEMORY_SINK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.CredentialsProvider;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pubsub.PubSubDeadLetterSink;
import dev.eventcontracts.pubsub.PubSubEventConsumer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * The Pub/Sub auto-configuration without a server: the property group, the back-off of its beans
 * and the messages for bad configuration. The consumer never starts here (a null lifecycle bean of
 * the application's replaces the starter's); {@link PubSubConsumerLifecycleTest} runs it.
 */
class EventContractsPubSubAutoConfigurationTest {
  /** Never connected: the channel to it is lazy and no consumer starts. */
  static final String NO_SERVER = "eventcontracts.pubsub.emulator-host=localhost:1";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  EventContractsAutoConfiguration.class,
                  EventContractsKafkaAutoConfiguration.class,
                  EventContractsPubSubAutoConfiguration.class,
                  EventContractsHealthAutoConfiguration.class))
          .withUserConfiguration(TestHandlers.AnnotatedHandlerConfig.class)
          .withPropertyValues(CLASSPATH_REGISTRY);

  /** The same runner with the application's own (null) lifecycle, so nothing is started. */
  private ApplicationContextRunner notStarted() {
    return runner.withBean(
        "ownLifecycle",
        PubSubConsumerLifecycle.class,
        () -> null,
        definition -> definition.setAutowireCandidate(true));
  }

  @Test
  void thePropertyGroupBindsAndNamesTheSubscription() {
    notStarted()
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=recruiting-prod",
            "eventcontracts.pubsub.subscription=matching-service",
            NO_SERVER,
            "eventcontracts.pubsub.concurrency=8",
            "eventcontracts.pubsub.parallel-pull-count=2",
            "eventcontracts.pubsub.max-outstanding-messages=50",
            "eventcontracts.pubsub.max-outstanding-bytes=10MB",
            "eventcontracts.pubsub.close-timeout=12s",
            "eventcontracts.dead-letter.topic=recruiting-dlq",
            "eventcontracts.dead-letter.send-timeout=7s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              EventContractsProperties.PubSub pubsub =
                  context.getBean(EventContractsProperties.class).getPubsub();
              assertThat(pubsub.getConcurrency()).isEqualTo(8);
              assertThat(pubsub.getParallelPullCount()).isEqualTo(2);
              assertThat(pubsub.getMaxOutstandingMessages()).isEqualTo(50);
              assertThat(pubsub.getMaxOutstandingBytes()).isEqualTo(DataSize.ofMegabytes(10));
              assertThat(pubsub.getCloseTimeout()).isEqualTo(Duration.ofSeconds(12));
              assertThat(context.getBean(PubSubEventConsumer.class).subscription())
                  .isEqualTo("projects/recruiting-prod/subscriptions/matching-service");
              // dead letters go to Pub/Sub by default when the starter consumes a subscription
              assertThat(context.getBean(DeadLetterSink.class))
                  .isInstanceOf(PubSubDeadLetterSink.class);
              assertThat(context).doesNotHaveBean("eventContractsPubSubConsumerLifecycle");
            });
  }

  @Test
  void theProjectComesFromAFullSubscriptionNameOrSpringCloudGcp() {
    notStarted()
        .withPropertyValues(
            "eventcontracts.pubsub.subscription=projects/p1/subscriptions/s1", NO_SERVER)
        .run(
            context ->
                assertThat(context.getBean(PubSubEventConsumer.class).subscription())
                    .isEqualTo("projects/p1/subscriptions/s1"));
    notStarted()
        .withPropertyValues(
            "spring.cloud.gcp.project-id=p2",
            "spring.cloud.gcp.pubsub.emulator-host=localhost:1",
            "eventcontracts.pubsub.subscription=s2")
        .run(
            context ->
                assertThat(context.getBean(PubSubEventConsumer.class).subscription())
                    .isEqualTo("projects/p2/subscriptions/s2"));
  }

  @Test
  void withoutASubscriptionThereIsNoPubSubConsumer() {
    runner
        .withPropertyValues("eventcontracts.pubsub.project-id=p", NO_SERVER, MEMORY_SINK)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(EventPipeline.class);
              assertThat(context).doesNotHaveBean(PubSubEventConsumer.class);
              assertThat(context).doesNotHaveBean(PubSubConsumerLifecycle.class);
              Health health = context.getBean(EventContractsHealthIndicator.class).health();
              assertThat(health.getDetails()).containsEntry("consumer", "none");
            });
  }

  @Test
  void aSubscriptionWithoutAProjectIsTold() {
    runner
        .withPropertyValues("eventcontracts.pubsub.subscription=matching-service", NO_SERVER)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(EventContractsConfigurationException.class)
                  .hasMessageContaining("needs eventcontracts.pubsub.project-id or")
                  .hasMessageContaining("spring.cloud.gcp.project-id");
            });
  }

  @Test
  void anEmptyOrMalformedSubscriptionIsTold() {
    runner
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=",
            NO_SERVER,
            MEMORY_SINK)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("eventcontracts.pubsub.subscription is empty"));
    runner
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=projects/p/topics/t",
            NO_SERVER,
            MEMORY_SINK)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(
                        "eventcontracts.pubsub.subscription=projects/p/topics/t is not a"
                            + " subscription name"));
  }

  @Test
  void aSubscriptionWithoutSdkPubSubIsTold() {
    runner
        .withClassLoader(new FilteredClassLoader("dev.eventcontracts.pubsub"))
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=s",
            MEMORY_SINK)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(
                        "eventcontracts.pubsub.subscription is set but"
                            + " dev.eventcontracts:sdk-pubsub is not on the class path"));
  }

  @Test
  void badConsumerSettingsAreNamed() {
    runner
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=s",
            "eventcontracts.pubsub.concurrency=0",
            NO_SERVER,
            MEMORY_SINK)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining(
                        "EventContractsConfigurationException: eventcontracts.pubsub: concurrency"
                            + " must be positive"));
  }

  @Test
  void pubSubDeadLettersUseTheApplicationsCredentialsProviderWithoutAnEmulator() {
    AtomicInteger asked = new AtomicInteger();
    CredentialsProvider provider =
        () -> {
          asked.incrementAndGet();
          throw new IOException("the test's credentials provider was asked");
        };
    runner
        .withBean(CredentialsProvider.class, () -> provider)
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=recruiting-prod",
            "eventcontracts.dead-letter.destination=pubsub")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              DeadLetterSink sink = context.getBean(DeadLetterSink.class);
              DeadLetter deadLetter =
                  DeadLetter.builder(
                          InboundMessage.of("{}".getBytes(StandardCharsets.UTF_8)),
                          Outcome.MALFORMED,
                          Instant.parse("2026-12-05T00:00:00Z"))
                      .build();
              // the publisher is made on the first dead letter, with the provider's credentials:
              // the provider refuses, so nothing reaches the network
              assertThatThrownBy(() -> sink.publish(deadLetter))
                  .hasStackTraceContaining("the test's credentials provider was asked");
              assertThat(asked).hasPositiveValue();
            });
  }

  @Test
  void pubSubDeadLettersNeedAProject() {
    runner
        .withPropertyValues("eventcontracts.dead-letter.destination=pubsub")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(
                        "eventcontracts.dead-letter.destination=pubsub needs"
                            + " eventcontracts.pubsub.project-id"));
  }

  @Test
  void bothTransportsAtOnceAreRefused() {
    runner
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=s",
            NO_SERVER,
            "eventcontracts.kafka.topics=recruiting",
            "eventcontracts.kafka.group-id=g",
            "eventcontracts.kafka.bootstrap-servers=localhost:1",
            MEMORY_SINK)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(EventContractsConfigurationException.class)
                    .hasMessageContaining(
                        "eventcontracts.kafka.topics and eventcontracts.pubsub.subscription are"
                            + " both set"));
  }

  @Test
  void theConsumerBeansBackOff() {
    PubSubEventConsumer[] seen = new PubSubEventConsumer[1];
    notStarted()
        .withUserConfiguration(OwnConsumer.class)
        .withBean(ConsumerStatus.class, ConsumerStatus::new)
        .withPropertyValues(
            "eventcontracts.pubsub.project-id=p",
            "eventcontracts.pubsub.subscription=s",
            NO_SERVER,
            MEMORY_SINK)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ConsumerStatus.class);
              assertThat(context).doesNotHaveBean("eventContractsConsumerStatus");
              assertThat(context).doesNotHaveBean("eventContractsPubSubConsumer");
              assertThat(context).doesNotHaveBean("eventContractsPubSubConsumerLifecycle");
              seen[0] = context.getBean(PubSubEventConsumer.class);
            });
    assertThat(seen[0].subscription())
        .isEqualTo("projects/own-project/subscriptions/own-subscription");
  }

  /** The application's own consumer on the starter's pipeline. */
  @Configuration(proxyBeanMethods = false)
  static class OwnConsumer {
    @Bean
    PubSubEventConsumer ownConsumer(EventPipeline pipeline) {
      return PubSubEventConsumer.builder(pipeline)
          .subscription("own-project", "own-subscription")
          .emulatorHost("localhost:1")
          .build();
    }
  }
}
