package dev.eventcontracts.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.contract.ContractRegistry;
import dev.eventcontracts.dedup.ClaimState;
import dev.eventcontracts.dedup.DedupStore;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.envelope.Origin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Seed-000 events, registries and small test doubles shared by the pipeline tests. */
final class Fixtures {
  private Fixtures() {}

  /** The recruiting registry (seed 000); tests run with the module as working directory. */
  static final Path RECRUITING = Path.of("../examples/registries/recruiting");

  /** The commerce registry (seed 004). */
  static final Path COMMERCE = Path.of("../examples/registries/commerce");

  /** The example events. */
  static final Path EVENTS = Path.of("../examples/events");

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** When the generated events happened; version {@code n} happens {@code n} minutes later. */
  static final Instant T0 = Instant.parse("2026-02-03T09:00:00Z");

  /** A time after every generated event, so lag is positive. */
  static final Instant NOW = Instant.parse("2026-02-04T00:00:00Z");

  private static final AtomicLong IDS = new AtomicLong();
  private static volatile ContractRegistry recruiting;

  /** The recruiting registry, loaded once. */
  static ContractRegistry recruiting() {
    ContractRegistry r = recruiting;
    if (r == null) {
      r = ContractRegistry.load(RECRUITING);
      recruiting = r;
    }
    return r;
  }

  /** A fresh event id (a UUID, as the jobarium envelope requires). */
  static String newEventId() {
    return new UUID(0x5eed_0000_0000_4000L, 0x8000_0000_0000_0000L | IDS.incrementAndGet())
        .toString();
  }

  /** A jobarium envelope around {@code payload}. */
  static ObjectNode envelope(String name, String idempotencyKey, Instant at, ObjectNode payload) {
    ObjectNode e = MAPPER.createObjectNode();
    e.put("event_id", newEventId());
    e.put("event_name", name);
    e.put("event_version", "v1");
    e.put("occurred_at", at.toString());
    e.put("producer", "test-producer");
    e.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    e.put("idempotency_key", idempotencyKey);
    e.set("payload", payload);
    return e;
  }

  /** E-01 {@code profile.updated} for {@code candidate} at {@code version}. */
  static ObjectNode profile(String candidate, int version) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("candidate_id", candidate);
    p.put("profile_version", version);
    p.putArray("changed_fields").add("skills");
    p.put("updated_at", at(version).toString());
    return envelope(
        "profile.updated", "profile.updated:" + candidate + ":" + version, at(version), p);
  }

  /** E-02 {@code job.updated} for {@code job} at {@code version}. */
  static ObjectNode job(String job, int version) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("job_id", job);
    p.put("job_version", version);
    p.put("status", "active");
    p.put("updated_at", at(version).toString());
    return envelope("job.updated", "job.updated:" + job + ":" + version, at(version), p);
  }

  /** E-08 {@code invite.created} (no ordering rule). */
  static ObjectNode invite(String invite) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("invite_id", invite);
    p.put("job_id", "job_1");
    p.put("candidate_id", "cand_1");
    p.put("expires_at", "2026-02-10T09:00:00Z");
    p.put("created_at", "2026-02-03T09:00:00Z");
    return envelope("invite.created", "invite.created:" + invite, T0, p);
  }

  /**
   * E-13 {@code billing.usage.updated}; {@code sourceEventId} may be null (it is optional, yet the
   * key template names it).
   */
  static ObjectNode billing(String org, String sourceEventId, String envelopeKey) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("organization_id", org);
    p.put("billing_month", "2026-02");
    p.put("metric_name", "invites_sent");
    p.put("delta", 1);
    p.put("updated_at", "2026-02-03T09:00:00Z");
    if (sourceEventId != null) {
      p.put("source_event_id", sourceEventId);
    }
    return envelope("billing.usage.updated", envelopeKey, T0, p);
  }

  /** When version {@code version} of a generated entity happened. */
  static Instant at(int version) {
    return T0.plus(Duration.ofMinutes(version));
  }

  /** A copy of {@code event} with {@code field} of the envelope set. */
  static ObjectNode with(ObjectNode event, String field, String value) {
    ObjectNode copy = event.deepCopy();
    copy.put(field, value);
    return copy;
  }

  /** A copy of {@code event} redelivered by the producer under a new event id. */
  static ObjectNode withNewId(ObjectNode event) {
    return with(event, "event_id", newEventId());
  }

  /** The event's bytes, as a producer would send them. */
  static byte[] bytes(JsonNode event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InboundMessage msg(JsonNode event) {
    return InboundMessage.of(bytes(event));
  }

  static InboundMessage msg(JsonNode event, Map<String, String> attributes) {
    return new InboundMessage(bytes(event), attributes, Origin.unknown());
  }

  static InboundMessage msg(String text) {
    return InboundMessage.of(text.getBytes(StandardCharsets.UTF_8));
  }

  static InboundMessage replay(JsonNode event) {
    return msg(event, Map.of(EventPipeline.REPLAY_ATTRIBUTE, "true"));
  }

  /** A pipeline builder on the recruiting registry with a fixed clock and the given sink. */
  static EventPipeline.Builder pipeline(DeadLetterSink sink, Clock clock) {
    return EventPipeline.builder(recruiting()).deadLetterSink(sink).clock(clock);
  }

  /** A handler that remembers every call; thread-safe. */
  static final class Recorder implements EventHandler<JsonNode> {
    record Call(JsonNode payload, EventContext context) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public void handle(JsonNode payload, EventContext context) {
      calls.add(new Call(payload, context));
    }

    int count() {
      return calls.size();
    }

    Call last() {
      return calls.get(calls.size() - 1);
    }

    List<Integer> versions(String field) {
      List<Integer> out = new ArrayList<>();
      calls.forEach(c -> out.add(c.payload().get(field).intValue()));
      return out;
    }
  }

  /** A handler that fails its first {@code failures} calls, then succeeds. */
  static final class Flaky implements EventHandler<JsonNode> {
    final AtomicInteger calls = new AtomicInteger();
    private final int failures;
    private final RuntimeException failure;

    Flaky(int failures, RuntimeException failure) {
      this.failures = failures;
      this.failure = failure;
    }

    @Override
    public void handle(JsonNode payload, EventContext context) {
      if (calls.incrementAndGet() <= failures) {
        throw failure;
      }
    }
  }

  /** A dedup store that counts round trips and delegates to another store. */
  static final class CountingDedupStore implements DedupStore {
    final DedupStore delegate;
    final AtomicInteger claims = new AtomicInteger();
    final AtomicInteger claimAlls = new AtomicInteger();
    final AtomicInteger completes = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger fingerprints = new AtomicInteger();
    final AtomicInteger fingerprintAlls = new AtomicInteger();
    volatile boolean failFingerprintAlls;

    CountingDedupStore(DedupStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClaimState claim(String key, String owner, Duration lease) {
      claims.incrementAndGet();
      return delegate.claim(key, owner, lease);
    }

    @Override
    public Map<String, ClaimState> claimAll(List<String> keys, String owner, Duration lease) {
      claimAlls.incrementAndGet();
      return delegate.claimAll(keys, owner, lease);
    }

    @Override
    public void complete(String key, String owner, Duration retention) {
      completes.incrementAndGet();
      delegate.complete(key, owner, retention);
    }

    @Override
    public void complete(String key, String owner, Duration retention, long fingerprint) {
      completes.incrementAndGet();
      delegate.complete(key, owner, retention, fingerprint);
    }

    @Override
    public OptionalLong fingerprint(String key) {
      fingerprints.incrementAndGet();
      return delegate.fingerprint(key);
    }

    @Override
    public Map<String, Long> fingerprintAll(Collection<String> keys) {
      fingerprintAlls.incrementAndGet();
      if (failFingerprintAlls) {
        throw new IllegalStateException("store down");
      }
      return delegate.fingerprintAll(keys);
    }

    @Override
    public void release(String key, String owner) {
      releases.incrementAndGet();
      delegate.release(key, owner);
    }
  }

  /** A dead-letter sink that can be switched off, like a broker that is down. */
  static final class SwitchableSink implements DeadLetterSink {
    final List<DeadLetter> stored = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public void publish(DeadLetter deadLetter) throws Exception {
      if (down) {
        throw new java.io.IOException("dead-letter topic unavailable");
      }
      stored.add(deadLetter);
    }
  }
}
