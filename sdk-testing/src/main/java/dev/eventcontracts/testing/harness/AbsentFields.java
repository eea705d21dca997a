package dev.eventcontracts.testing.harness;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds optional payload fields whose absence a payload type cannot represent. Jackson binds a
 * missing field to a primitive's default (0, false) without complaint, so a handler with an {@code
 * int} for an optional field reads "absent" as 0 and cannot tell the two apart.
 */
final class AbsentFields {
  private AbsentFields() {}

  /** One optional field bound to a primitive. */
  record PrimitiveBinding(String pointer, String property, Class<?> type) {}

  /**
   * Walks the fields present in {@code full} but absent from {@code minimal} and returns those the
   * payload type binds to a primitive.
   *
   * @param pointer the payload's JSON pointer in the envelope, for messages
   */
  static List<PrimitiveBinding> primitives(
      ObjectMapper mapper, Class<?> payloadType, JsonNode full, JsonNode minimal, String pointer) {
    List<PrimitiveBinding> out = new ArrayList<>();
    if (payloadType == JsonNode.class || full == null || !full.isObject()) {
      return out;
    }
    walk(mapper, mapper.constructType(payloadType), full, minimal, pointer, out);
    return out;
  }

  private static void walk(
      ObjectMapper mapper,
      JavaType type,
      JsonNode full,
      JsonNode minimal,
      String pointer,
      List<PrimitiveBinding> out) {
    if (type.isContainerType()
        || type.isPrimitive()
        || type.isEnumType()
        || type.getRawClass().getName().startsWith("java.")) {
      return;
    }
    BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
    for (BeanPropertyDefinition property : bean.findProperties()) {
      JsonNode fullValue = full.get(property.getName());
      if (fullValue == null) {
        continue;
      }
      JavaType propertyType = property.getPrimaryType();
      if (propertyType == null) {
        continue;
      }
      String childPointer = pointer + "/" + escape(property.getName());
      JsonNode minimalValue = minimal == null ? null : minimal.get(property.getName());
      if (minimalValue == null && propertyType.isPrimitive()) {
        out.add(
            new PrimitiveBinding(
                childPointer,
                type.getRawClass().getSimpleName() + "." + internalName(property),
                propertyType.getRawClass()));
      } else if (fullValue.isObject()) {
        walk(mapper, propertyType, fullValue, minimalValue, childPointer, out);
      }
    }
  }

  private static String internalName(BeanPropertyDefinition property) {
    String internal = property.getInternalName();
    return internal == null || internal.isEmpty() ? property.getName() : internal;
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  /** What to use instead of a primitive for an optional field. */
  static String boxed(Class<?> primitive) {
    return BOXED.getOrDefault(primitive, "its boxed type");
  }

  private static final Map<Class<?>, String> BOXED =
      Map.of(
          int.class, "Integer (or OptionalInt)",
          long.class, "Long (or OptionalLong)",
          double.class, "Double (or OptionalDouble)",
          float.class, "Float",
          boolean.class, "Boolean",
          short.class, "Short",
          byte.class, "Byte",
          char.class, "Character");
}
