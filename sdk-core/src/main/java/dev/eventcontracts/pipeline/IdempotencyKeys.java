package dev.eventcontracts.pipeline;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.KeyTemplate;
import dev.eventcontracts.envelope.Envelope;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives the idempotency key of an event. In order: the contract's template, when every field it
 * names is present; else the envelope's {@code idempotency_key}; else the event id; else a SHA-256
 * digest of the raw message value (identical bytes are the same event). A template with an absent
 * field is never rendered with a hole, so two distinct events cannot collapse onto one key. Keys
 * are scoped by tenant ({@code tenant/<id>/<key>}) when the envelope names one.
 */
final class IdempotencyKeys {
  private IdempotencyKeys() {}

  /** The key, and whether the envelope's own key disagreed with the template's. */
  record Derived(String key, boolean mismatch) {}

  static Derived derive(EventContract contract, Envelope envelope, byte[] value) {
    String key = null;
    boolean mismatch = false;
    KeyTemplate template = contract.idempotencyKey();
    if (template != null) {
      key = template.render(envelope);
      String declared = envelope.idempotencyKey();
      mismatch = key != null && declared != null && !declared.equals(key);
    }
    if (key == null) {
      key = envelope.idempotencyKey();
    }
    if (key == null && envelope.eventId() != null) {
      key = envelope.eventName() + ":" + envelope.eventId();
    }
    if (key == null) {
      key = "sha256:" + sha256(value);
    }
    String tenant = envelope.tenantId();
    return new Derived(tenant == null ? key : "tenant/" + tenant + "/" + key, mismatch);
  }

  /** Scopes an ordering entity by ordering scope (the contract name by default) and tenant. */
  static String entity(EventContract contract, Envelope envelope, String entity) {
    String tenant = envelope.tenantId();
    return tenant == null
        ? contract.orderingScope() + "/" + entity
        : "tenant/" + tenant + "/" + contract.orderingScope() + "/" + entity;
  }

  private static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
