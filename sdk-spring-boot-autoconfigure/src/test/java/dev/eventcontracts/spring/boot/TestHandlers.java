package dev.eventcontracts.spring.boot;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.testing.fixtures.RecruitingEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Handlers and messages the auto-configuration tests share. */
final class TestHandlers {
  static final String CLASSPATH_REGISTRY =
      "eventcontracts.registry.location=classpath:contracts/recruiting";
  static final String MEMORY_SINK = "eventcontracts.dead-letter.destination=memory";

  private TestHandlers() {}

  static InboundMessage profile(String candidate, int version) {
    return InboundMessage.of(
        RecruitingEvents.bytes(RecruitingEvents.withSeed(1).profileUpdated(candidate, version)));
  }

  static InboundMessage job(String job, int version) {
    return InboundMessage.of(
        RecruitingEvents.bytes(RecruitingEvents.withSeed(1).jobUpdated(job, version)));
  }

  /** The payload fields a profile handler needs. */
  record ProfileUpdated(
      @JsonProperty("candidate_id") String candidateId,
      @JsonProperty("profile_version") long profileVersion) {}

  /** A bean with an annotated profile handler that records what it saw. */
  static class ProfileProjection {
    final List<ProfileUpdated> seen = new CopyOnWriteArrayList<>();
    final List<EventContext> contexts = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final List<String> traceIds = new CopyOnWriteArrayList<>();
    final List<Boolean> observed = new CopyOnWriteArrayList<>();

    @EventHandlerMethod(event = "profile.updated", minVersion = "v1", maxVersion = "v1")
    void onProfile(ProfileUpdated profile, EventContext context) {
      traceIds.add(String.valueOf(MDC.get("traceId")));
      observed.add(
          java.util.Arrays.stream(new Throwable().getStackTrace())
              .anyMatch(f -> f.getClassName().equals(HandlerObservation.class.getName())));
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("projection database unavailable");
      }
      seen.add(profile);
      contexts.add(context);
    }
  }

  /** A bean with an annotated job handler taking the payload only. */
  static class JobProjection {
    final List<JsonNode> seen = new CopyOnWriteArrayList<>();

    @EventHandlerMethod(event = "job.updated")
    void onJob(JsonNode job) {
      seen.add(job);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class AnnotatedHandlerConfig {
    @Bean
    ProfileProjection profileProjection() {
      return new ProfileProjection();
    }

    @Bean
    JobProjection jobProjection() {
      return new JobProjection();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BindingBeanConfig {
    static final List<JsonNode> SEEN = new CopyOnWriteArrayList<>();

    @Bean
    HandlerBinding<JsonNode> jobBinding() {
      return HandlerBinding.ofJson("job.updated", (job, context) -> SEEN.add(job));
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UnknownEventHandlerConfig {
    @Bean
    HandlerBinding<JsonNode> paymentBinding() {
      return HandlerBinding.ofJson("payment.captured", (payload, context) -> {});
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoProfileHandlersConfig {
    @Bean
    ProfileProjection profileProjection() {
      return new ProfileProjection();
    }

    @Bean
    HandlerBinding<JsonNode> otherProfileBinding() {
      return HandlerBinding.ofJson("profile.updated", (payload, context) -> {});
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BadSignatureConfig {
    @Bean
    BadSignature badSignature() {
      return new BadSignature();
    }
  }

  static class BadSignature {
    @EventHandlerMethod(event = "profile.updated")
    void on(EventContext context, JsonNode payload) {}
  }
}
