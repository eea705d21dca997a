package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.contract.EventContract;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link EventPipeline.Builder#build()} can tell about payload binding before any event
 * arrives: a payload type the mapper cannot bind at all (no creator, a {@code java.time} type
 * without its module), and a property whose JSON type in a contract's schema can never bind to its
 * Java type (an object or array into a scalar, a scalar into a collection). What depends on the
 * values (a number out of an {@code int}'s range, a string that is not a date) shows only at run
 * time, as {@link Outcome#BINDING_FAILED}.
 */
final class PayloadTypeCheck {
  private PayloadTypeCheck() {}

  /** The problems found, one line each; empty when none is known. */
  static List<String> problems(
      ContractRegistry registry, List<HandlerBinding<?>> bindings, ObjectMapper mapper) {
    List<String> out = new ArrayList<>();
    for (HandlerBinding<?> binding : bindings) {
      Class<?> type = binding.payloadType();
      if (JsonNode.class.isAssignableFrom(type)) {
        continue;
      }
      try {
        mapper.readerFor(type).readValue("{}");
      } catch (InvalidDefinitionException e) {
        out.add(
            binding.eventName()
                + ": "
                + type.getName()
                + " cannot be bound by the payload mapper: "
                + e.getOriginalMessage());
        continue;
      } catch (Exception e) {
        // depends on the values (a required creator property, a null primitive): a run-time matter
      }
      JavaType javaType = mapper.constructType(type);
      List<BeanPropertyDefinition> properties =
          mapper.getDeserializationConfig().introspect(javaType).findProperties();
      for (BeanPropertyDefinition property : properties) {
        String unsupported = unsupported(mapper, property.getPrimaryType());
        if (unsupported != null) {
          out.add(
              binding.eventName()
                  + ": property '"
                  + property.getName()
                  + "' of "
                  + type.getName()
                  + " cannot be bound by the payload mapper: "
                  + unsupported);
        }
      }
      for (EventContract contract : registry.contracts()) {
        if (!contract.name().equals(binding.eventName())
            || !binding.accepts(contract.eventVersion())) {
          continue;
        }
        EventContract shape = contract;
        if (binding.upcastTo() != null) {
          for (EventContract target : registry.contracts()) {
            if (target.name().equals(contract.name())
                && target.eventVersion().equals(binding.upcastTo())) {
              shape = target;
            }
          }
        }
        JsonNode schemaProperties = shape.schema().node().path("properties");
        for (BeanPropertyDefinition property : properties) {
          JsonNode declared = schemaProperties.path(property.getName()).path("type");
          if (!declared.isTextual() || property.getPrimaryType() == null) {
            continue;
          }
          String mismatch = mismatch(declared.asText(), property.getPrimaryType());
          if (mismatch != null) {
            out.add(
                contract.name()
                    + " "
                    + contract.version()
                    + ": property '"
                    + property.getName()
                    + "' is a JSON "
                    + declared.asText()
                    + " in the contract but "
                    + property.getPrimaryType().getRawClass().getSimpleName()
                    + " in "
                    + type.getName()
                    + " ("
                    + mismatch
                    + ")");
          }
        }
      }
    }
    return out;
  }

  /**
   * Jackson reports a {@code java.time} or {@code Optional} type without its module only when a
   * value arrives; reading a sample value of such a type shows it now.
   */
  private static @Nullable String unsupported(ObjectMapper mapper, JavaType type) {
    if (type == null) {
      return null;
    }
    String name = type.getRawClass().getName();
    String sample;
    if (name.startsWith("java.time.")) {
      sample = "\"2026-01-01T00:00:00Z\"";
    } else if (name.startsWith("java.util.Optional")) {
      sample = "null";
    } else {
      return null;
    }
    try {
      mapper.readerFor(type).readValue(sample);
      return null;
    } catch (InvalidDefinitionException e) {
      return e.getOriginalMessage();
    } catch (Exception e) {
      return null; // the type is supported; this sample just does not fit it
    }
  }

  /** Why a JSON value of {@code jsonType} can never bind to {@code javaType}, or {@code null}. */
  static @Nullable String mismatch(String jsonType, JavaType javaType) {
    Class<?> raw = javaType.getRawClass();
    boolean many =
        javaType.isCollectionLikeType()
            || javaType.isArrayType() && raw != byte[].class && raw != char[].class;
    boolean map = javaType.isMapLikeType();
    boolean scalar =
        raw.isPrimitive()
            || Number.class.isAssignableFrom(raw)
            || raw == String.class
            || raw == Boolean.class
            || raw == Character.class
            || raw.isEnum()
            || raw.getName().startsWith("java.time.")
            || raw == java.util.UUID.class
            || raw == java.net.URI.class;
    switch (jsonType) {
      case "object" -> {
        if (scalar || many) {
          return "an object never reads as " + (many ? "a collection" : "a scalar");
        }
      }
      case "array" -> {
        if (scalar || map || !many && !Object.class.equals(raw) && !isTree(raw)) {
          return "an array only reads as a collection or array";
        }
      }
      case "string", "integer", "number", "boolean" -> {
        if (many || map) {
          return "a " + jsonType + " never reads as a collection or map";
        }
      }
      default -> {}
    }
    return null;
  }

  private static boolean isTree(Class<?> raw) {
    return JsonNode.class.isAssignableFrom(raw);
  }

  /** Joins problems into one message. */
  static String message(Collection<String> problems) {
    return "payload types that cannot bind their contracts:\n  - "
        + String.join("\n  - ", problems)
        + "\nSet a payload mapper with the modules your types need"
        + " (EventPipeline.Builder.payloadMapper) or fix the types.";
  }
}
