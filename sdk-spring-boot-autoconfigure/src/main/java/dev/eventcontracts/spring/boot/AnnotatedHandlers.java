package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.EventContext;
import dev.eventcontracts.pipeline.EventHandler;
import dev.eventcontracts.pipeline.HandlerBinding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** Finds {@link EventHandlerMethod} methods on the beans of a context and binds them. */
final class AnnotatedHandlers {

  private AnnotatedHandlers() {}

  /** One binding per annotated method, with where it came from. */
  static List<NamedBinding> find(ListableBeanFactory beans) {
    List<NamedBinding> found = new ArrayList<>();
    for (String name : beans.getBeanNamesForType(Object.class, false, false)) {
      Class<?> type = beans.getType(name, false);
      if (type == null) {
        continue;
      }
      Class<?> userType = ClassUtils.getUserClass(type);
      if (!AnnotationUtils.isCandidateClass(userType, EventHandlerMethod.class)) {
        continue;
      }
      Map<Method, EventHandlerMethod> methods =
          MethodIntrospector.selectMethods(
              userType,
              (MethodIntrospector.MetadataLookup<EventHandlerMethod>)
                  m -> AnnotatedElementUtils.findMergedAnnotation(m, EventHandlerMethod.class));
      if (methods.isEmpty()) {
        continue;
      }
      Object bean = beans.getBean(name);
      methods.forEach(
          (method, annotation) ->
              found.add(
                  new NamedBinding(
                      bind(bean, method, annotation),
                      "method "
                          + userType.getName()
                          + "."
                          + method.getName()
                          + " (bean '"
                          + name
                          + "')")));
    }
    return found;
  }

  static HandlerBinding<?> bind(Object bean, Method method, EventHandlerMethod annotation) {
    Class<?>[] parameters = method.getParameterTypes();
    boolean withContext = parameters.length == 2 && parameters[1] == EventContext.class;
    if (!(parameters.length == 1 || withContext) || parameters[0] == EventContext.class) {
      throw new IllegalStateException(
          "@EventHandlerMethod "
              + method.getDeclaringClass().getName()
              + "."
              + method.getName()
              + " must take the payload type and optionally an EventContext after it");
    }
    Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
    ReflectionUtils.makeAccessible(invocable);
    HandlerBinding<?> binding =
        binding(annotation.event(), parameters[0], bean, invocable, withContext);
    String min = annotation.minVersion();
    String max = annotation.maxVersion();
    if (!min.isEmpty() || !max.isEmpty()) {
      binding =
          binding.versions(
              min.isEmpty() ? "0.0" : min, max.isEmpty() ? "999999999.999999999" : max);
    }
    if (!annotation.upcastTo().isEmpty()) {
      binding = binding.upcastTo(annotation.upcastTo());
    }
    return binding.replayPolicy(annotation.replayPolicy());
  }

  private static <T> HandlerBinding<T> binding(
      String event, Class<T> payloadType, Object bean, Method method, boolean withContext) {
    EventHandler<T> handler =
        (payload, context) -> {
          try {
            if (withContext) {
              method.invoke(bean, payload, context);
            } else {
              method.invoke(bean, payload);
            }
          } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
              throw exception;
            }
            if (cause instanceof Error error) {
              throw error;
            }
            throw e;
          }
        };
    return HandlerBinding.of(event, payloadType, handler);
  }

  /** A binding and a description of where it was declared, for error messages. */
  record NamedBinding(HandlerBinding<?> binding, String source) {}
}
