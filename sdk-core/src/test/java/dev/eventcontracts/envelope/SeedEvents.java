package dev.eventcontracts.envelope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example events of the five seed documents, shared by the tests of several packages. Events
 * the seeds print are copied verbatim; seeds 000, 001 and 003 print none, so their events are built
 * from the envelope each seed describes.
 */
public final class SeedEvents {
  private SeedEvents() {}

  /** Registries shipped in {@code examples/registries}; tests run with the module as CWD. */
  public static final Path REGISTRIES = Path.of("../examples/registries");

  /** Example event files shipped in {@code examples/events}. */
  public static final Path EVENTS = Path.of("../examples/events");

  /**
   * Seed 000: the canonical envelope, every required and optional field of the "Global Envelope",
   * carrying E-01 {@code profile.updated}.
   */
  public static final String S000_PROFILE_UPDATED =
      """
      {"event_id": "46addede-f6bd-438a-9351-2a28b6c983e8",
       "event_name": "profile.updated",
       "event_version": "v1",
       "occurred_at": "2026-02-03T09:00:45.010Z",
       "producer": "candidate-profile-service",
       "trace_id": "8db2d5f02ffa0f271b45dfb67f96e33d",
       "idempotency_key": "profile.updated:cand_7f3a9c21:3",
       "tenant_id": "tnt_acme",
       "correlation_id": "4d7d11a9-6b49-4119-9167-1992428ec219",
       "schema_ref": "jobarium://contracts/profile.updated/v1",
       "payload": {"candidate_id": "cand_7f3a9c21", "profile_version": 3,
                   "changed_fields": ["work_history", "skills"],
                   "updated_at": "2026-02-03T09:00:44Z", "source": "parser"}}
      """;

  /**
   * Seed 001: the "Common Event Structure" table ({@code eventType}, {@code version}, {@code
   * jobId}, {@code userId}, {@code timestamp}, {@code payload}); there is no event id.
   */
  public static final String S001_TEXT_JOB_REQUESTED =
      """
      {"eventType": "TEXT_JOB_REQUESTED", "version": 1,
       "jobId": "fae2156c-4004-42f2-be98-7ea7f3dec34a", "userId": "usr_4821",
       "timestamp": "2026-01-20T15:04:05.000Z",
       "payload": {"activityType": "reading-comprehension",
                   "prompt": "A short story about tide pools", "language": "en"}}
      """;

  /** Seed 002, first printed event: epoch-millis timestamp, top-level version, body in payload. */
  public static final String S002_USER_AUTHENTICATED =
      """
      {
        "eventId": "550e8400-e29b-41d4-a716-446655440000",
        "eventType": "user.authenticated",
        "timestamp": 1728212400000,
        "version": "1.0",
        "source": "api-gateway",
        "payload": {
          "userId": "kc-123",
          "email": "user@example.com",
          "sessionId": "sess-550e8400-...",
          "authMethod": "oauth2",
          "firstName": "John",
          "lastName": "Doe"
        }
      }
      """;

  /** Seed 002, third printed event: ISO timestamp, no version, body in data. */
  public static final String S002_USER_CREATED =
      """
      {
        "eventId": "evt-550e8400-e29b-41d4-a716-446655440000",
        "eventType": "user.created",
        "timestamp": "2025-10-06T10:00:00.000Z",
        "userId": "123e4567-e89b-12d3-a456-426614174000",
        "data": {
          "keycloakId": "kc-123",
          "email": "user@example.com",
          "fullName": "John Doe",
          "createdAt": "2025-10-06T10:00:00.000Z"
        }
      }
      """;

  /** Seed 002, the "Event Schema Standard" interface: version and service under metadata. */
  public static final String S002_WITH_METADATA =
      """
      {"eventId": "2f1d7c55-0a44-4d0e-9d51-0c6c3b0f4a11",
       "eventType": "user.deleted",
       "timestamp": "2025-10-06T10:00:00.000Z",
       "userId": "123e4567-e89b-12d3-a456-426614174000",
       "data": {"deletedAt": "2025-10-06T10:00:00.000Z", "reason": "user_request"},
       "metadata": {"service": "user-service", "version": "1.0",
                    "correlationId": "req-77", "causationId": "evt-1"}}
      """;

  /** Seed 003: the data of a {@code com.todo.task.created.v1} CloudEvent. */
  public static final String S003_TASK_CREATED_DATA =
      """
      {"task_id": "d612a34b-f35b-4cf0-9194-52e9511e39c8",
       "user_id": "57810fc9-d961-4327-b182-14c3758ca3da",
       "title": "Water the plants", "created_at": "2026-02-03T09:00:00.000+00:00",
       "priority": "medium"}
      """;

  /** Seed 003: a structured-mode CloudEvent ({@code application/cloudevents+json}). */
  public static final String S003_TASK_CREATED_STRUCTURED =
      """
      {"specversion": "1.0", "id": "a03a36a6-f97b-45aa-a5d8-5fcea8a50047",
       "source": "/chat-api", "type": "com.todo.task.created.v1",
       "time": "2026-02-03T09:00:00.000+00:00", "datacontenttype": "application/json",
       "subject": "d612a34b-f35b-4cf0-9194-52e9511e39c8",
       "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       "data": %s}
      """
          .formatted(S003_TASK_CREATED_DATA);

  /**
   * Seed 003: the transport attributes of the same CloudEvent in binary mode, with {@code prefix}
   * {@code ce_} (Kafka headers) or {@code ce-} (Pub/Sub attributes, HTTP headers).
   */
  public static Map<String, String> s003BinaryHeaders(String prefix) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(prefix + "specversion", "1.0");
    headers.put(prefix + "id", "a03a36a6-f97b-45aa-a5d8-5fcea8a50047");
    headers.put(prefix + "source", "/chat-api");
    headers.put(prefix + "type", "com.todo.task.created.v1");
    headers.put(prefix + "time", "2026-02-03T09:00:00.000+00:00");
    headers.put(prefix + "subject", "d612a34b-f35b-4cf0-9194-52e9511e39c8");
    headers.put(prefix + "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    headers.put("content-type", "application/json");
    return headers;
  }

  /** Seed 004: ProductCreatedEvent as printed ({@code event_version}, domain.action name). */
  public static final String S004_PRODUCT_CREATED =
      """
      {
        "event_id": "550e8400-e29b-41d4-a716-446655440000",
        "correlation_id": "550e8400-e29b-41d4-a716-446655440001",
        "timestamp": "2024-01-15T10:30:00Z",
        "source_service": "product-catalog-service",
        "event_version": "1.0",
        "event_type": "product.created",
        "data": {
          "product_id": "prod_123456789",
          "name": "Premium Coffee Beans",
          "description": "High-quality arabica coffee beans from Guatemala",
          "category_id": "cat_beverages",
          "price": "24.99",
          "sku": "COFFEE-PREM-001",
          "is_active": true,
          "attributes": {
            "weight": "1kg",
            "origin": "Guatemala",
            "roast_level": "medium"
          }
        }
      }
      """;

  /** Seed 004: InventoryReservedEvent as printed ({@code version}, PascalCase name). */
  public static final String S004_INVENTORY_RESERVED =
      """
      {
        "event_id": "550e8400-e29b-41d4-a716-446655440006",
        "correlation_id": "order_550e8400-e29b-41d4-a716-446655440007",
        "timestamp": "2024-01-15T11:00:00Z",
        "source_service": "inventory-management-service",
        "version": "1.0",
        "event_type": "InventoryReserved",
        "data": {
          "reservation_id": "res_123456789",
          "product_id": "prod_123456789",
          "quantity": 2,
          "location_id": "warehouse_main",
          "order_id": "order_987654321",
          "expires_at": "2024-01-15T11:15:00Z"
        }
      }
      """;

  /** The lines of an example event file. */
  public static List<String> lines(String file) {
    try {
      return Files.readAllLines(EVENTS.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An example registry directory by name ({@code recruiting}, {@code todo}, ...). */
  public static Path registry(String name) {
    return REGISTRIES.resolve(name);
  }
}
