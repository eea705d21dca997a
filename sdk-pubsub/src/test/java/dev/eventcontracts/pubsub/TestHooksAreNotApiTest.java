package dev.eventcontracts.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * The crash hooks are package-private, so no user code can call them (see docs/api-guarantees.md).
 */
class TestHooksAreNotApiTest {
  @Test
  void killIsPackagePrivateOnTheConsumerAndTheReceiver() throws NoSuchMethodException {
    for (Class<?> type : new Class<?>[] {PubSubEventConsumer.class, PubSubMessageReceiver.class}) {
      int modifiers = type.getDeclaredMethod("kill").getModifiers();

      assertThat(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers))
          .as(type.getSimpleName())
          .isFalse();
      assertThat(Modifier.isPrivate(modifiers)).as(type.getSimpleName()).isFalse();
    }
  }
}
