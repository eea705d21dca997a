package dev.eventcontracts.contract;

import dev.eventcontracts.dedup.StoreKeys;
import dev.eventcontracts.envelope.Envelope;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

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
public final class EventKeys {
  /** The length of the hex SHA-256 digest in a key derived from the raw bytes. */
  private static final int DIGEST_HEX_LENGTH = 64;

  private EventKeys() {}

  /**
   * A derived idempotency key.
   *
   * @param key the tenant-scoped key the stores see
   * @param mismatch whether the envelope's own {@code idempotency_key} disagreed with the template
   */
  public record Derived(String key, boolean mismatch) {}

  /**
   * Derives the tenant-scoped idempotency key of an event.
   *
   * @param value the raw message bytes, digested when the event has no other identity
   */
  public static Derived idempotencyKey(EventContract contract, Envelope envelope, byte[] value) {
    return derive(contract, envelope, value);
  }

  private static Derived derive(
      EventContract contract, Envelope envelope, byte @Nullable [] value) {
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
      key = "sha256:" + (value == null ? "0".repeat(DIGEST_HEX_LENGTH) : sha256(value));
    }
    return new Derived(tenantScope(envelope.tenantId()) + key, mismatch);
  }

  /** Scopes an ordering entity id by tenant and ordering scope (the contract name by default). */
  public static String entity(EventContract contract, Envelope envelope, String entity) {
    String scope = contract.orderingScope();
    return tenantScope(envelope.tenantId()) + scope.length() + ":" + scope + "/" + entity;
  }

  /**
   * Says why no store could hold the event's key or ordering entity ({@link StoreKeys}), or returns
   * {@code null} when every store can. Needs no message bytes: a key digested from them has a fixed
   * length and only hex digits, so it is storable exactly when its tenant prefix is.
   */
  public static @Nullable String storageProblem(EventContract contract, Envelope envelope) {
    String problem = StoreKeys.problem("idempotency key", derive(contract, envelope, null).key());
    OrderingRule rule = contract.ordering();
    if (problem == null && rule != null) {
      String id = rule.entityOf(envelope);
      if (id != null) {
        problem = StoreKeys.problem("ordering entity", entity(contract, envelope, id));
      }
    }
    return problem;
  }

  /** {@code t<n>:<tenant>/}, or {@code -/} without a tenant. */
  public static String tenantScope(@Nullable String tenant) {
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
