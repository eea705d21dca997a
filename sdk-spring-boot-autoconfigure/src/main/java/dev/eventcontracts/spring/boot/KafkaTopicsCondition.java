package dev.eventcontracts.spring.boot;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code eventcontracts.kafka.topics} names at least one topic. */
class KafkaTopicsCondition extends SpringBootCondition {
  static final String PROPERTY = "eventcontracts.kafka.topics";

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    List<String> topics =
        Binder.get(context.getEnvironment())
            .bind(PROPERTY, Bindable.listOf(String.class))
            .orElse(List.of());
    return topics.isEmpty()
        ? ConditionOutcome.noMatch(PROPERTY + " is not set")
        : ConditionOutcome.match(PROPERTY + " = " + topics);
  }
}
