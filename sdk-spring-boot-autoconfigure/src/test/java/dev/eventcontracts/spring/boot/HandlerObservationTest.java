package dev.eventcontracts.spring.boot;

import static dev.eventcontracts.spring.boot.TestHandlers.CLASSPATH_REGISTRY;
import static dev.eventcontracts.spring.boot.TestHandlers.MEMORY_SINK;
import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.pipeline.EventPipeline;
import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.pipeline.Outcome;
import dev.eventcontracts.pipeline.ReplayPolicy;
import dev.eventcontracts.spring.boot.TestHandlers.AnnotatedHandlerConfig;
import dev.eventcontracts.spring.boot.TestHandlers.ProfileProjection;
import dev.eventcontracts.version.EventVersion;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Handlers run in an observation that continues the producer's W3C trace, through Brave. */
class HandlerObservationTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PRODUCER_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01";

  private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();
  private final ThreadLocalCurrentTraceContext braveContext =
      ThreadLocalCurrentTraceContext.newBuilder()
          .addScopeDecorator(MDCScopeDecorator.get())
          .build();
  private final Tracing tracing =
      Tracing.newBuilder()
          .currentTraceContext(braveContext)
          .propagationFactory(new W3CPropagation())
          .addSpanHandler(
              new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                  spans.add(span);
                  return true;
                }
              })
          .build();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(EventContractsAutoConfiguration.class))
          .withUserConfiguration(AnnotatedHandlerConfig.class)
          .withPropertyValues(CLASSPATH_REGISTRY, MEMORY_SINK);

  @AfterEach
  void closeTracing() {
    tracing.close();
  }

  private ObservationRegistry tracedObservations() {
    ObservationRegistry observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new PropagatingReceiverTracingObservationHandler<>(
                new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(braveContext)),
                new BravePropagator(tracing)));
    return observations;
  }

  private static InboundMessage traced(InboundMessage message, String traceparent) {
    return InboundMessage.of(
        new String(message.value(), StandardCharsets.UTF_8), Map.of("traceparent", traceparent));
  }

  @Test
  void aSpanPerHandledEventContinuesTheProducersTrace() {
    runner
        .withBean(ObservationRegistry.class, this::tracedObservations)
        .run(
            context -> {
              EventPipeline pipeline = context.getBean(EventPipeline.class);
              InboundMessage message = traced(TestHandlers.profile("cand_1", 1), TRACEPARENT);
              assertThat(pipeline.process(message).outcome()).isEqualTo(Outcome.PROCESSED);
              assertThat(pipeline.process(message).outcome()).isEqualTo(Outcome.DUPLICATE);

              assertThat(spans)
                  .singleElement()
                  .satisfies(
                      span -> {
                        assertThat(span.traceId()).isEqualTo(TRACE_ID);
                        assertThat(span.parentId()).isEqualTo(PRODUCER_SPAN);
                        assertThat(span.name()).isEqualTo("profile.updated process");
                        assertThat(span.tags())
                            .containsEntry("event", "profile.updated")
                            .containsEntry("version", "v1")
                            .containsEntry("result", "success")
                            .containsKey("event.id");
                        assertThat(span.tags().values()).noneMatch(v -> v.contains("cand_1"));
                      });
              ProfileProjection profiles = context.getBean(ProfileProjection.class);
              assertThat(profiles.traceIds).containsExactly(TRACE_ID);
              assertThat(profiles.observed).containsExactly(true);
            });
  }

  @Test
  void theObservedBindingKeepsVersionsUpcastAndReplayPolicy() {
    HandlerBinding<JsonNode> binding =
        HandlerBinding.ofJson("profile.updated", (payload, context) -> {})
            .versions("v2", "v3")
            .upcastTo("v3")
            .replayPolicy(ReplayPolicy.SKIP);

    HandlerBinding<JsonNode> observed =
        HandlerObservation.observe(binding, ObservationRegistry.create());

    assertThat(observed.handler()).isNotSameAs(binding.handler());
    assertThat(observed.accepts(EventVersion.parse("v1"))).isFalse();
    assertThat(observed.accepts(EventVersion.parse("v2"))).isTrue();
    assertThat(observed.accepts(EventVersion.parse("v3"))).isTrue();
    assertThat(observed.accepts(EventVersion.parse("v4"))).isFalse();
    assertThat(observed.upcastTo()).isEqualTo(EventVersion.parse("v3"));
    assertThat(observed.replayPolicy()).isEqualTo(ReplayPolicy.SKIP);
  }

  @Test
  void aFailingHandlersSpanCarriesTheError() {
    runner
        .withBean(ObservationRegistry.class, this::tracedObservations)
        .run(
            context -> {
              context.getBean(ProfileProjection.class).failuresLeft.set(1);
              InboundMessage message = traced(TestHandlers.profile("cand_2", 1), TRACEPARENT);
              assertThat(context.getBean(EventPipeline.class).process(message).outcome())
                  .isEqualTo(Outcome.FAILED);
              assertThat(spans)
                  .singleElement()
                  .satisfies(
                      span -> {
                        assertThat(span.traceId()).isEqualTo(TRACE_ID);
                        assertThat(span.tags()).containsEntry("result", "failure");
                        assertThat(span.error()).isInstanceOf(IllegalStateException.class);
                      });
            });
  }

  @Test
  void withoutATraceparentAHandlerStartsANewTrace() {
    runner
        .withBean(ObservationRegistry.class, this::tracedObservations)
        .run(
            context -> {
              context.getBean(EventPipeline.class).process(TestHandlers.profile("cand_3", 1));
              assertThat(spans)
                  .singleElement()
                  .satisfies(
                      span -> {
                        assertThat(span.traceId()).isNotEqualTo(TRACE_ID);
                        assertThat(span.parentId()).isNull();
                      });
            });
  }

  @Test
  void withoutAnObservationRegistryHandlersAreNotWrapped() {
    runner.run(
        context -> {
          context
              .getBean(EventPipeline.class)
              .process(traced(TestHandlers.profile("cand_4", 1), TRACEPARENT));
          ProfileProjection profiles = context.getBean(ProfileProjection.class);
          assertThat(profiles.observed).containsExactly(false);
          assertThat(profiles.traceIds).containsExactly("null");
        });
  }

  @Test
  void observationCanBeSwitchedOff() {
    runner
        .withBean(ObservationRegistry.class, this::tracedObservations)
        .withPropertyValues("eventcontracts.observation.enabled=false")
        .run(
            context -> {
              context
                  .getBean(EventPipeline.class)
                  .process(traced(TestHandlers.profile("cand_5", 1), TRACEPARENT));
              assertThat(context.getBean(ProfileProjection.class).observed).containsExactly(false);
              assertThat(spans).isEmpty();
            });
  }
}
