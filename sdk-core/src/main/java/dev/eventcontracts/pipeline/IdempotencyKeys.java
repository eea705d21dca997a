package dev.eventcontracts.pipeline;

import dev.eventcontracts.contract.EventContract;
import dev.eventcontracts.contract.KeyTemplate;
import dev.eventcontracts.envelope.Envelope;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives the idempotency key and the ordering entity of an event, scoped so that no two tenants
 * can ever meet.
 *
 * <p>The key, in order: the contract's template, when every field it names is present; else, for a
 * contract without a template, the envelope's {@code idempotency_key}; else the event's own
 * identity ({@code <event name>:<event id>}); else a SHA-256 digest of the raw message value
 * (identical bytes are the same event). A contract whose template cannot be rendered does not fall
 * back to the envelope's key: producers that build that key from the same template put the same
 * hole in it, so two distinct events would collapse.
 *
 * <p>Scoping is length-prefixed, so it is injective for every tenant, key, contract and entity: a
 * key is stored as {@code t<n>:<tenant>/<key>} ({@code n} the tenant's length in UTF-16 chars) or
 * {@code -/<key>} without a tenant; an entity as {@code <tenant scope><m>:<scope>/<entity>}, where
 * {@code scope} is the contract's ordering scope (its name unless the ordering rule names one). The
 * tenant prefix is read by its length, never by searching for a separator, so neither a tenant nor
 * a key containing {@code /} or {@code :} can pose as another's.
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
    } else {
      key = envelope.idempotencyKey();
    }
    if (key == null && envelope.eventId() != null) {
      key = envelope.eventName() + ":" + envelope.eventId();
    }
    if (key == null) {
      key = "sha256:" + sha256(value);
    }
    return new Derived(tenantScope(envelope.tenantId()) + key, mismatch);
  }

  /** Scopes an ordering entity by tenant and ordering scope (the contract name by default). */
  static String entity(EventContract contract, Envelope envelope, String entity) {
    String scope = contract.orderingScope();
    return tenantScope(envelope.tenantId()) + scope.length() + ":" + scope + "/" + entity;
  }

  /** {@code t<n>:<tenant>/}, or {@code -/} without a tenant. */
  static String tenantScope(String tenant) {
    return tenant == null ? "-/" : "t" + tenant.length() + ":" + tenant + "/";
  }

  private static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
