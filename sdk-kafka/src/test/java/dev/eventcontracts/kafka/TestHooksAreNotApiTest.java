package dev.eventcontracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** The crash hook is package-private, so no user code can call it (see docs/api-guarantees.md). */
class TestHooksAreNotApiTest {
  @Test
  void killIsPackagePrivate() throws NoSuchMethodException {
    Method kill = KafkaEventConsumer.class.getDeclaredMethod("kill");

    int modifiers = kill.getModifiers();
    assertThat(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)).isFalse();
    assertThat(Modifier.isPrivate(modifiers)).isFalse();
  }
}
