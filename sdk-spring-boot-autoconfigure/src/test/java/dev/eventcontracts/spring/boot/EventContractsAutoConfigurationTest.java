package dev.eventcontracts.spring.boot;

import static dev.eventcontracts.spring.boot.TestHandlers.CLASSPATH_REGISTRY;
import static dev.eventcontracts.spring.boot.TestHandlers.MEMORY_SINK;
import static dev.eventcontracts.spring.boot.TestHandlers.job;
import static dev.eventcontracts.spring.boot.TestHandlers.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.jdbc.JdbcDedupStore;
import dev.eventcontracts.jdbc.JdbcEntityVersionStore;
import dev.eventcontracts.ordering.EntityVersionStore;
import dev.eventcontracts.pipeline.Disposition;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ProcessingResult;
import dev.eventcontracts.spring.boot.TestHandlers.AnnotatedHandlerConfig;
import dev.eventcontracts.spring.boot.TestHandlers.BindingBeanConfig;
import dev.eventcontracts.spring.boot.TestHandlers.JobProjection;
import dev.eventcontracts.spring.boot.TestHandlers.ProfileProjection;
import dev.eventcontracts.version.VersionPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration without Kafka: every property group, back-off and failure message. */
class EventContractsAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  EventContractsRedisAutoConfiguration.class,
                  EventContractsAutoConfiguration.class,
                  EventContractsKafkaAutoConfiguration.class,
                  EventContractsHealthAutoConfiguration.class))
          .withUserConfiguration(AnnotatedHandlerConfig.class);

  private static String failure(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    StringBuilder messages = new StringBuilder();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    return messages.toString();
  }

  // --- registry ---

  @Test
  void loadsTheRegistryFromTheClassPathAndRunsAnnotatedHandlers() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ContractRegistry.class).name()).isEqualTo("recruiting");
              EventPipeline pipeline = context.getBean(EventPipeline.class);
              assertThat(pipeline.process(profile("cand_1", 2)).outcome())
                  .isEqualTo(Outcome.PROCESSED);
              assertThat(pipeline.process(profile("cand_1", 2)).outcome())
                  .isEqualTo(Outcome.DUPLICATE);
              assertThat(pipeline.process(profile("cand_1", 1)).outcome()).isEqualTo(Outcome.STALE);
              assertThat(pipeline.process(job("job_1", 1)).outcome()).isEqualTo(Outcome.PROCESSED);
              ProfileProjection profiles = context.getBean(ProfileProjection.class);
              assertThat(profiles.seen)
                  .containsExactly(new TestHandlers.ProfileUpdated("cand_1", 2));
              assertThat(profiles.contexts.get(0).contract().name()).isEqualTo("profile.updated");
              assertThat(context.getBean(JobProjection.class).seen).hasSize(1);
            });
  }

  @Test
  void loadsTheRegistryFromADirectory() {
    Path directory = Path.of("../examples/registries/recruiting").toAbsolutePath().normalize();
    runner
        .withPropertyValues("eventcontracts.registry.location=file:" + directory, MEMORY_SINK)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ContractRegistry.class).contracts()).hasSize(13);
            });
    runner
        .withPropertyValues("eventcontracts.registry.location=" + directory, MEMORY_SINK)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void aMissingRegistryLocationIsNamed() {
    runner
        .withPropertyValues(MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.registry.location is not set"));
  }

  @Test
  void aRegistryThatIsNotThereIsNamedWithItsLocation() {
    runner
        .withPropertyValues(
            "eventcontracts.registry.location=classpath:contracts/nowhere", MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.registry.location=classpath:contracts/nowhere")
                    .contains("cannot be loaded"));
    runner
        .withPropertyValues("eventcontracts.registry.location=/no/such/registry", MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.registry.location=/no/such/registry"));
  }

  @Test
  void theVersionPolicyPropertyPinsTheRegistrysPolicy() {
    runner
        .withPropertyValues(
            CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.registry.version-policy=strict")
        .run(
            context ->
                assertThat(context.getBean(ContractRegistry.class).versionPolicy())
                    .isEqualTo(VersionPolicy.STRICT));
    runner
        .withPropertyValues(
            CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.registry.version-policy=compatible")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.registry.version-policy=COMPATIBLE")
                    .contains("declares STRICT"));
  }

  // --- handlers ---

  @Test
  void handlerBindingBeansAreRegistered() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
        .withUserConfiguration(BindingBeanConfig.class)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context -> {
              BindingBeanConfig.SEEN.clear();
              EventPipeline pipeline = context.getBean(EventPipeline.class);
              assertThat(pipeline.process(job("job_7", 3)).outcome()).isEqualTo(Outcome.PROCESSED);
              assertThat(BindingBeanConfig.SEEN).hasSize(1);
              // no handler for profile.updated here: dead-lettered as UNKNOWN_EVENT
              assertThat(pipeline.process(profile("cand_1", 1)).outcome())
                  .isEqualTo(Outcome.UNKNOWN_EVENT);
            });
  }

  @Test
  void aHandlerForAnEventTheRegistryLacksIsNamed() {
    runner
        .withUserConfiguration(TestHandlers.UnknownEventHandlerConfig.class)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("HandlerBinding bean 'paymentBinding' handles 'payment.captured'")
                    .contains("registry 'recruiting' has no contract for")
                    .contains("profile.updated"));
  }

  @Test
  void twoHandlersForTheSameEventAndVersionAreNamed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
        .withUserConfiguration(TestHandlers.TwoProfileHandlersConfig.class)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("two handlers for profile.updated v1")
                    .contains("HandlerBinding bean 'otherProfileBinding'")
                    .contains("ProfileProjection.onProfile"));
  }

  @Test
  void aHandlerMethodWithAWrongSignatureIsNamed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
        .withUserConfiguration(TestHandlers.BadSignatureConfig.class)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context ->
                assertThat(failure(context))
                    .contains("BadSignature.on must take the payload type"));
  }

  @Test
  void anApplicationWithoutHandlersIsTold() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(context -> assertThat(failure(context)).contains("no event handlers"));
  }

  // --- stores ---

  @Test
  void memoryStoresByDefault() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context -> {
              assertThat(context.getBean(DedupStore.class).getClass().getSimpleName())
                  .isEqualTo("InMemoryDedupStore");
              assertThat(context.getBean(EntityVersionStore.class).getClass().getSimpleName())
                  .isEqualTo("InMemoryEntityVersionStore");
            });
  }

  @Test
  void anUnknownStoreTypeIsNamed() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.type=mongo")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.stores.type=mongo is not a store type")
                    .contains("memory, jdbc or redis"));
  }

  @Test
  void jdbcStoresRunOnTheApplicationsDataSource() {
    runner
        .withUserConfiguration(H2Config.class)
        .withPropertyValues(
            CLASSPATH_REGISTRY,
            MEMORY_SINK,
            "eventcontracts.stores.type=jdbc",
            "eventcontracts.stores.jdbc.dedup-table=spring_dedup",
            "eventcontracts.stores.jdbc.position-table=spring_positions")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              JdbcDedupStore dedup = (JdbcDedupStore) context.getBean(DedupStore.class);
              JdbcEntityVersionStore positions =
                  (JdbcEntityVersionStore) context.getBean(EntityVersionStore.class);
              dedup.createSchema();
              positions.createSchema();
              EventPipeline pipeline = context.getBean(EventPipeline.class);
              assertThat(pipeline.process(profile("cand_9", 4)).outcome())
                  .isEqualTo(Outcome.PROCESSED);
              assertThat(pipeline.process(profile("cand_9", 3)).outcome()).isEqualTo(Outcome.STALE);
              try (var connection = context.getBean(DataSource.class).getConnection();
                  var rows =
                      connection
                          .createStatement()
                          .executeQuery("select count(*) from spring_positions")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
              }
            });
  }

  @Test
  void jdbcStoresWithoutADataSourceAreTold() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.type=jdbc")
        .run(context -> assertThat(failure(context)).contains("=jdbc needs a DataSource bean"));
  }

  @Test
  void jdbcStoresWithoutSdkJdbcAreTold() {
    runner
        .withClassLoader(new FilteredClassLoader("dev.eventcontracts.jdbc"))
        .withUserConfiguration(H2Config.class)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.type=jdbc")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("needs dev.eventcontracts:sdk-jdbc on the class path"));
  }

  @Test
  void redisStoresWithoutAClientAreTold() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.type=redis")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("=redis needs eventcontracts.stores.redis.uri"));
  }

  @Test
  void theRedisClientComesFromTheUriAndBacksOff() {
    runner
        .withUserConfiguration(OwnStoresConfig.class)
        .withPropertyValues(
            CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.redis.uri=redis://localhost:1")
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(io.lettuce.core.RedisClient.class)
                    .hasBean("eventContractsRedisClient"));
    runner
        .withUserConfiguration(OwnStoresConfig.class, OwnRedisClientConfig.class)
        .withPropertyValues(
            CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.stores.redis.uri=redis://localhost:1")
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(io.lettuce.core.RedisClient.class)
                    .doesNotHaveBean("eventContractsRedisClient"));
  }

  @Test
  void leaseAndRetentionReachTheStores() {
    runner
        .withUserConfiguration(RecordingStoreConfig.class)
        .withPropertyValues(
            CLASSPATH_REGISTRY,
            MEMORY_SINK,
            "eventcontracts.lease=42s",
            "eventcontracts.retention=3d")
        .run(
            context -> {
              context.getBean(EventPipeline.class).process(profile("cand_2", 1));
              RecordingDedupStore store = context.getBean(RecordingDedupStore.class);
              assertThat(store.leases).containsExactly(Duration.ofSeconds(42));
              assertThat(store.retentions).containsExactly(Duration.ofDays(3));
            });
  }

  // --- retries, dead letters, unknown events, sink retry delay ---

  @Test
  void retriesFollowTheRetryProperties() {
    runner
        .withPropertyValues(
            CLASSPATH_REGISTRY,
            MEMORY_SINK,
            "eventcontracts.retry.max-attempts=2",
            "eventcontracts.retry.initial-interval=75ms")
        .run(
            context -> {
              context.getBean(ProfileProjection.class).failuresLeft.set(10);
              EventPipeline pipeline = context.getBean(EventPipeline.class);
              InboundMessage message = profile("cand_3", 1);
              ProcessingResult first = pipeline.process(message, 1);
              assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
              assertThat(first.disposition()).isEqualTo(Disposition.RETRY);
              assertThat(first.retryAfter()).isEqualTo(Duration.ofMillis(75));
              ProcessingResult last = pipeline.process(message, 2);
              assertThat(last.disposition()).isEqualTo(Disposition.ACKNOWLEDGE);
              List<DeadLetter> deadLetters =
                  ((InMemoryDeadLetterSink) context.getBean(DeadLetterSink.class)).deadLetters();
              assertThat(deadLetters)
                  .singleElement()
                  .satisfies(
                      d -> {
                        assertThat(d.reasonCode()).isEqualTo("FAILED");
                        assertThat(d.attempts()).isEqualTo(2);
                      });
            });
  }

  @Test
  void badRetryPropertiesAreNamed() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.retry.max-attempts=0")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.retry.max-attempts must be at least 1, was 0"));
  }

  @Test
  void unknownEventsAreSkippedWhenConfigured() {
    String unknown =
        new String(TestHandlers.profile("cand_4", 1).value(), StandardCharsets.UTF_8)
            .replace("\"profile.updated\"", "\"profile.merged\"");
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK, "eventcontracts.on-unknown-event=skip")
        .run(
            context -> {
              ProcessingResult result =
                  context.getBean(EventPipeline.class).process(InboundMessage.of(unknown));
              assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EVENT);
              assertThat(result.deadLetter()).isNull();
            });
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context -> {
              ProcessingResult result =
                  context.getBean(EventPipeline.class).process(InboundMessage.of(unknown));
              assertThat(result.deadLetter()).isNotNull();
            });
  }

  @Test
  void aFailingSinkIsRetriedAfterTheSinkRetryDelay() {
    runner
        .withUserConfiguration(FailingSinkConfig.class)
        .withPropertyValues(CLASSPATH_REGISTRY, "eventcontracts.sink-retry-delay=7s")
        .run(
            context -> {
              ProcessingResult result =
                  context.getBean(EventPipeline.class).process(InboundMessage.of("not json"));
              assertThat(result.outcome()).isEqualTo(Outcome.MALFORMED);
              assertThat(result.disposition()).isEqualTo(Disposition.RETRY);
              assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            });
  }

  @Test
  void anUnknownDeadLetterDestinationIsNamed() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY, "eventcontracts.dead-letter.destination=s3")
        .run(
            context ->
                assertThat(failure(context))
                    .contains("eventcontracts.dead-letter.destination=s3 is not a dead-letter"));
  }

  @Test
  void kafkaDeadLettersNeedBootstrapServers() {
    runner
        .withPropertyValues(CLASSPATH_REGISTRY)
        .run(
            context ->
                assertThat(failure(context))
                    .contains(
                        "eventcontracts.kafka.bootstrap-servers or spring.kafka.bootstrap-servers"));
  }

  @Test
  void kafkaDeadLettersUseSpringKafkasBootstrapServers() {
    runner
        .withPropertyValues(
            CLASSPATH_REGISTRY,
            "spring.kafka.bootstrap-servers=localhost:1",
            "eventcontracts.dead-letter.topic=recruiting.dlq")
        .run(
            context ->
                assertThat(context.getBean(DeadLetterSink.class).getClass().getSimpleName())
                    .isEqualTo("KafkaDeadLetterSink"));
  }

  // --- metrics ---

  @Test
  void theApplicationsMeterRegistryGetsTheMetrics() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK)
        .run(
            context -> {
              context.getBean(EventPipeline.class).process(profile("cand_5", 1));
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              assertThat(
                      meters
                          .get("eventcontracts.events")
                          .tags("event", "profile.updated", "outcome", "PROCESSED")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
            });
  }

  // --- back-off ---

  @Test
  void everyBeanBacksOffWhenTheApplicationHasItsOwn() {
    runner
        .withUserConfiguration(OwnEverythingConfig.class)
        .withPropertyValues(
            "eventcontracts.stores.type=mongo", "eventcontracts.dead-letter.destination=s3")
        .run(
            context -> {
              // the bad properties are never read: no auto-configured bean was made
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ContractRegistry.class).hasBean("ownRegistry");
              assertThat(context).hasSingleBean(DedupStore.class).hasBean("ownDedup");
              assertThat(context).hasSingleBean(EntityVersionStore.class).hasBean("ownPositions");
              assertThat(context).hasSingleBean(DeadLetterSink.class).hasBean("ownSink");
              assertThat(context).hasSingleBean(EventPipeline.class).hasBean("ownPipeline");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class H2Config {
    @Bean
    DataSource dataSource() {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:spring" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
      return h2;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStoresConfig {
    @Bean
    DedupStore ownDedup() {
      return DedupStore.inMemory();
    }

    @Bean
    EntityVersionStore ownPositions() {
      return EntityVersionStore.inMemory();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRedisClientConfig {
    @Bean(destroyMethod = "shutdown")
    io.lettuce.core.RedisClient ownRedisClient() {
      return io.lettuce.core.RedisClient.create("redis://localhost:2");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnEverythingConfig {
    @Bean
    ContractRegistry ownRegistry() {
      return ContractRegistry.loadFromClasspath("contracts/recruiting");
    }

    @Bean
    DedupStore ownDedup() {
      return DedupStore.inMemory();
    }

    @Bean
    EntityVersionStore ownPositions() {
      return EntityVersionStore.inMemory();
    }

    @Bean
    DeadLetterSink ownSink() {
      return DeadLetterSink.inMemory();
    }

    @Bean
    EventPipeline ownPipeline(ContractRegistry registry, DeadLetterSink sink) {
      return EventPipeline.builder(registry)
          .handler(dev.eventcontracts.pipeline.HandlerBinding.ofJson("job.updated", (p, c) -> {}))
          .deadLetterSink(sink)
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FailingSinkConfig {
    @Bean
    DeadLetterSink failingSink() {
      return deadLetter -> {
        throw new IllegalStateException("dead-letter topic unavailable");
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class RecordingStoreConfig {
    @Bean
    RecordingDedupStore recordingDedupStore() {
      return new RecordingDedupStore();
    }
  }

  /** An in-memory dedup store that records the leases and retentions it is given. */
  static class RecordingDedupStore implements DedupStore {
    final DedupStore delegate = DedupStore.inMemory();
    final List<Duration> leases = new CopyOnWriteArrayList<>();
    final List<Duration> retentions = new CopyOnWriteArrayList<>();

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      leases.add(lease);
      return delegate.claim(key, owner, lease);
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      leases.add(lease);
      return delegate.claimAll(keys, owner, lease);
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      retentions.add(retention);
      delegate.complete(key, owner, retention);
    }

    @Override
    public void release(String key, String owner) {
      delegate.release(key, owner);
    }
  }
}
