package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.HandlerBinding;
import java.util.List;
import java.util.Map;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The bindings of an object's {@link EventHandlerMethod} methods, as the starter registers them:
 * for contract tests of a handler class without a Spring context ({@code
 * HandlerHarness.builder(registry).handlers(EventHandlerMethods.of(handlers))}).
 */
public final class EventHandlerMethods {

  private EventHandlerMethods() {}

  /** One binding per annotated method of {@code bean}, in no particular order. */
  public static List<HandlerBinding<?>> of(Object bean) {
    Class<?> type = ClassUtils.getUserClass(bean);
    Map<java.lang.reflect.Method, EventHandlerMethod> methods =
        MethodIntrospector.selectMethods(
            type,
            (MethodIntrospector.MetadataLookup<EventHandlerMethod>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, EventHandlerMethod.class));
    return methods.entrySet().stream()
        .<HandlerBinding<?>>map(e -> AnnotatedHandlers.bind(bean, e.getKey(), e.getValue()))
        .toList();
  }
}
