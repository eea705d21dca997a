package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.ReplayPolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the handler of one event, registered into the application's
 * {@code EventPipeline} like a {@code HandlerBinding} bean. The method takes the payload type (a
 * record or class bound by Jackson, or {@code JsonNode}) and optionally an {@code EventContext}
 * after it; it returns nothing useful and throws to have the event retried.
 *
 * <pre>{@code
 * @EventHandlerMethod(event = "profile.updated", minVersion = "v1", maxVersion = "v1")
 * void onProfile(ProfileUpdated profile, EventContext context) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventHandlerMethod {

  /** The event name, as in the registry. */
  String event();

  /** The lowest version accepted, inclusive; empty for no lower bound. */
  String minVersion() default "";

  /** The highest version accepted, inclusive; empty for no upper bound. */
  String maxVersion() default "";

  /** The version older payloads are upcast to before the method sees them; empty for none. */
  String upcastTo() default "";

  /** What the handler does with replayed events. */
  ReplayPolicy replayPolicy() default ReplayPolicy.PROCESS;
}
