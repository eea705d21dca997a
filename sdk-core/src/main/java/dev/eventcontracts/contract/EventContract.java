package dev.eventcontracts.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.envelope.Envelope;
import dev.eventcontracts.validation.Violation;
import dev.eventcontracts.version.EventVersion;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The contract of one event name at one version: the payload schema, the idempotency-key template,
 * the ordering rule and the ownership metadata. Built in code with {@link #builder} or loaded from
 * a registry directory by {@link ContractRegistry#load}. Immutable and thread-safe.
 */
public final class EventContract {
  private final String name;
  private final String version;
  private final EventVersion parsedVersion;
  private final PayloadSchema schema;
  private final @Nullable KeyTemplate idempotencyKey;
  private final @Nullable OrderingRule ordering;
  private final @Nullable String producer;
  private final List<String> consumers;
  private final @Nullable String description;
  private final String source;
  private final @Nullable String migration;
  private final @Nullable LocalDate sunset;

  private EventContract(Builder b, PayloadSchema schema) {
    this.name = b.name;
    this.version = b.version;
    this.parsedVersion = EventVersion.parse(b.version);
    this.schema = schema;
    this.idempotencyKey = b.idempotencyKey;
    this.ordering = b.ordering;
    this.producer = b.producer;
    this.consumers = List.copyOf(b.consumers);
    this.description = b.description;
    this.source = b.source;
    this.migration = b.migration;
    this.sunset = b.sunset;
  }

  /**
   * Starts a contract.
   *
   * @param name the event name, as the envelope carries it
   * @param version the version, such as {@code v1} or {@code 1.0}
   * @throws IllegalArgumentException when the version cannot be parsed
   */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  /** The event name. */
  public String name() {
    return name;
  }

  /** The version as written in the contract. */
  public String version() {
    return version;
  }

  /** The parsed version. */
  public EventVersion eventVersion() {
    return parsedVersion;
  }

  /** The compiled payload schema. */
  public PayloadSchema schema() {
    return schema;
  }

  /** The idempotency-key template, or {@code null} when the contract has none. */
  public @Nullable KeyTemplate idempotencyKey() {
    return idempotencyKey;
  }

  /** The ordering rule, or {@code null} when events of this contract are not ordered. */
  public @Nullable OrderingRule ordering() {
    return ordering;
  }

  /**
   * The scope its ordering entities live in: the ordering rule's scope, else the contract's name.
   * Contracts with one scope order against the same entities.
   */
  public String orderingScope() {
    return ordering != null && ordering.scope() != null ? ordering.scope() : name;
  }

  /** The producing service, or {@code null}. */
  public @Nullable String producer() {
    return producer;
  }

  /** The consuming services. */
  public List<String> consumers() {
    return consumers;
  }

  /** A description, or {@code null}. */
  public @Nullable String description() {
    return description;
  }

  /** Where the contract came from: a file path, or {@code code}. */
  public String source() {
    return source;
  }

  /**
   * How producers and consumers move to this version from the previous major version ({@code
   * x-migration}), or {@code null}. The compatibility checker warns about a new major version
   * without one.
   */
  public @Nullable String migration() {
    return migration;
  }

  /**
   * The date after which this version may be removed ({@code x-sunset}), or {@code null} when it is
   * not deprecated. The compatibility checker warns about a version superseded by a new major
   * version without one.
   */
  public @Nullable LocalDate sunset() {
    return sunset;
  }

  /** Validates an event's payload against this contract; every violation is reported. */
  public List<Violation> validate(Envelope event) {
    return schema.validate(event.payload(), event.payloadPointer());
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }

  /** Builds an {@link EventContract}. */
  public static final class Builder {
    private final String name;
    private final String version;
    private @Nullable JsonNode schemaNode;
    private final ObjectNode properties = JsonNodeFactory.instance.objectNode();
    private final List<String> required = new ArrayList<>();
    private @Nullable KeyTemplate idempotencyKey;
    private @Nullable OrderingRule ordering;
    private @Nullable String producer;
    private final List<String> consumers = new ArrayList<>();
    private @Nullable String description;
    private String source = "code";
    private @Nullable String migration;
    private @Nullable LocalDate sunset;

    private Builder(String name, String version) {
      if (Objects.requireNonNull(name, "name").isBlank()) {
        throw new IllegalArgumentException("event name must not be blank");
      }
      EventVersion.parse(Objects.requireNonNull(version, "version"));
      this.name = name;
      this.version = version;
    }

    /** Uses a complete JSON Schema 2020-12 document for the payload (instead of fields). */
    public Builder schema(JsonNode schema) {
      this.schemaNode = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /** Adds a required payload field. */
    public Builder required(String field, Field type) {
      properties.set(field, type.toSchema());
      required.add(field);
      return this;
    }

    /** Adds an optional payload field. */
    public Builder optional(String field, Field type) {
      properties.set(field, type.toSchema());
      return this;
    }

    /** Sets the idempotency-key template, such as {@code profile.updated:{candidate_id}}. */
    public Builder idempotencyKey(String template) {
      this.idempotencyKey = KeyTemplate.parse(template);
      return this;
    }

    /** Sets the ordering rule. */
    public Builder ordering(OrderingRule rule) {
      this.ordering = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /** Sets the producing service. */
    public Builder producer(String producer) {
      this.producer = producer;
      return this;
    }

    /** Adds consuming services. */
    public Builder consumers(List<String> consumers) {
      this.consumers.addAll(consumers);
      return this;
    }

    /** Sets a description. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** Sets the migration note from the previous major version. */
    public Builder migration(String note) {
      if (Objects.requireNonNull(note, "note").isBlank()) {
        throw new IllegalArgumentException("a migration note must not be blank");
      }
      this.migration = note;
      return this;
    }

    /** Deprecates this version: it may be removed after {@code date}. */
    public Builder sunset(LocalDate date) {
      this.sunset = Objects.requireNonNull(date, "date");
      return this;
    }

    /** Records where the contract came from (a file path). */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Builds the contract.
     *
     * @throws IllegalArgumentException when the schema is not valid JSON Schema 2020-12
     */
    public EventContract build() {
      JsonNode node = schemaNode;
      if (node == null) {
        ObjectNode generated = JsonNodeFactory.instance.objectNode();
        generated.put("$schema", PayloadSchema.DIALECT);
        generated.put("type", "object");
        generated.set("properties", properties.deepCopy());
        var req = generated.putArray("required");
        required.forEach(req::add);
        node = generated;
      } else if (!properties.isEmpty()) {
        throw new IllegalStateException("give either a schema or fields, not both");
      }
      return new EventContract(this, PayloadSchema.compile(node));
    }
  }
}
