package dev.eventcontracts.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventcontracts.dlq.DeadLetter;
import dev.eventcontracts.dlq.DeadLetterSink;
import dev.eventcontracts.dlq.InMemoryDeadLetterSink;
import dev.eventcontracts.envelope.InboundMessage;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Feeds shuffled, duplicated streams of seed-000 events ({@code profile.updated} and {@code
 * job.updated} for a handful of entities, plus invalid ones) through one pipeline, and compares
 * what the handlers saw with an independent simulation of the rule "an event applies iff its
 * version is above the highest version applied to its entity so far".
 */
class PipelinePropertiesTest {
  private static final List<String> KINDS = List.of("profile.updated", "job.updated");
  private static final List<String> ENTITIES = List.of("a", "b", "c");

  /** One delivery of an event: its identity, whether it honours its contract, and its bytes. */
  record Delivery(
      String kind, String entity, int version, boolean valid, JsonNode event, byte[] bytes) {
    /** Which event this is; a redelivery (same or new event id) has the same identity. */
    String identity() {
      return valid
          ? kind + ":" + entity + ":" + version
          : "invalid:" + new String(bytes, StandardCharsets.UTF_8);
    }

    String entityKey() {
      return kind + "/" + entity;
    }
  }

  private static Delivery valid(int kindIndex, int entityIndex, int version) {
    String kind = KINDS.get(kindIndex);
    String entity = ENTITIES.get(entityIndex);
    ObjectNode event =
        kindIndex == 0
            ? Fixtures.profile("cand_" + entity, version)
            : Fixtures.job("job_" + entity, version);
    event.put("event_id", UUID.nameUUIDFromBytes((kind + entity + version).getBytes()).toString());
    return new Delivery(kind, entity, version, true, event, Fixtures.bytes(event));
  }

  /** An event that breaks its contract in one of three ways, at a version that would matter. */
  private static Delivery invalid(int kindIndex, int entityIndex, int version, int breakage) {
    Delivery base = valid(kindIndex, entityIndex, version);
    ObjectNode event = ((ObjectNode) base.event()).deepCopy();
    event.put(
        "event_id",
        UUID.nameUUIDFromBytes(("bad" + base.identity() + breakage).getBytes()).toString());
    ObjectNode payload = (ObjectNode) event.get("payload");
    byte[] bytes;
    switch (breakage) {
      case 0 -> {
        if (kindIndex == 0) {
          payload.remove("changed_fields");
        } else {
          payload.put("status", "deleted");
        }
        bytes = Fixtures.bytes(event);
      }
      case 1 -> {
        payload.put(kindIndex == 0 ? "profile_version" : "job_version", Integer.toString(version));
        bytes = Fixtures.bytes(event);
      }
      default -> {
        String text = new String(Fixtures.bytes(event), StandardCharsets.UTF_8);
        bytes = text.substring(0, text.length() - 7).getBytes(StandardCharsets.UTF_8);
      }
    }
    return new Delivery(base.kind(), base.entity(), version, false, event, bytes);
  }

  @Provide
  Arbitrary<List<Delivery>> streams() {
    // per (kind, entity): which versions the producer published
    Arbitrary<List<Set<Integer>>> versions =
        Arbitraries.integers()
            .between(1, 8)
            .set()
            .ofMaxSize(5)
            .list()
            .ofSize(KINDS.size() * ENTITIES.size());
    Arbitrary<List<Tuple3<Integer, Integer, Integer>>> invalid =
        Combinators.combine(
                Arbitraries.integers().between(0, KINDS.size() * ENTITIES.size() - 1),
                Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(0, 2))
            .as(Tuple::of)
            .list()
            .ofMaxSize(4);
    Arbitrary<List<Delivery>> unique =
        Combinators.combine(versions, invalid)
            .as(
                (vs, bad) -> {
                  List<Delivery> out = new ArrayList<>();
                  for (int i = 0; i < vs.size(); i++) {
                    for (int v : vs.get(i)) {
                      out.add(valid(i / ENTITIES.size(), i % ENTITIES.size(), v));
                    }
                  }
                  for (Tuple3<Integer, Integer, Integer> b : bad) {
                    out.add(
                        invalid(
                            b.get1() / ENTITIES.size(),
                            b.get1() % ENTITIES.size(),
                            b.get2(),
                            b.get3()));
                  }
                  return out;
                });
    // redeliveries: which delivery, where it lands, and whether the producer re-sent it under a
    // new event id (same idempotency key)
    Arbitrary<List<Tuple3<Integer, Integer, Boolean>>> copies =
        Combinators.combine(
                Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 999),
                Arbitraries.of(false, true))
            .as(Tuple::of)
            .list()
            .ofMaxSize(15);
    return unique.flatMap(Arbitraries::shuffle).flatMap(s -> copies.map(c -> withCopies(s, c)));
  }

  private static List<Delivery> withCopies(
      List<Delivery> shuffled, List<Tuple3<Integer, Integer, Boolean>> copies) {
    List<Delivery> out = new ArrayList<>(shuffled);
    if (out.isEmpty()) {
      return out;
    }
    int n = 0;
    for (Tuple3<Integer, Integer, Boolean> c : copies) {
      Delivery source = out.get(c.get1() % out.size());
      Delivery copy = source;
      if (c.get3() && source.valid()) {
        ObjectNode resent = ((ObjectNode) source.event()).deepCopy();
        resent.put(
            "event_id",
            UUID.nameUUIDFromBytes((source.identity() + "#" + n++).getBytes()).toString());
        copy =
            new Delivery(
                source.kind(),
                source.entity(),
                source.version(),
                true,
                resent,
                Fixtures.bytes(resent));
      }
      out.add(c.get2() % (out.size() + 1), copy);
    }
    return out;
  }

  /** What the rule says should happen to each delivery, computed without the SDK. */
  private record Expected(
      List<String> handled,
      List<Outcome> outcomes,
      Map<String, Integer> finalVersions,
      List<String> deadLetters) {
    static Expected of(List<Delivery> stream) {
      Map<String, Integer> max = new HashMap<>();
      Set<String> seen = new HashSet<>();
      List<String> handled = new ArrayList<>();
      List<Outcome> outcomes = new ArrayList<>();
      List<String> deadLetters = new ArrayList<>();
      for (Delivery d : stream) {
        if (!d.valid()) {
          deadLetters.add(new String(d.bytes(), StandardCharsets.UTF_8));
          outcomes.add(null); // INVALID or MALFORMED, by breakage
          continue;
        }
        int applied = max.getOrDefault(d.entityKey(), 0);
        if (!seen.add(d.identity())) {
          outcomes.add(Outcome.DUPLICATE);
        } else if (d.version() > applied) {
          outcomes.add(Outcome.PROCESSED);
          handled.add(d.identity());
          max.put(d.entityKey(), d.version());
        } else {
          outcomes.add(Outcome.STALE);
        }
      }
      return new Expected(handled, outcomes, max, deadLetters);
    }
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void handlersSeeExactlyTheUniqueValidEventsThatWereNewestOnArrival(
      @ForAll("streams") List<Delivery> stream,
      @ForAll boolean batched,
      @ForAll @IntRange(min = 1, max = 8) int batchSize) {
    InMemoryDeadLetterSink sink = DeadLetterSink.inMemory();
    EntityVersionStore versions = EntityVersionStore.inMemory();
    List<String> handled = new CopyOnWriteArrayList<>();
    EventHandler<JsonNode> handler =
        (payload, ctx) -> {
          String kind = ctx.contract().name();
          String id =
              payload.get(kind.equals("profile.updated") ? "candidate_id" : "job_id").asText();
          handled.add(kind + ":" + id.substring(id.indexOf('_') + 1) + ":" + ctx.entityVersion());
        };
    EventPipeline pipeline =
        EventPipeline.builder(Fixtures.recruiting())
            .deadLetterSink(sink)
            .entityVersionStore(versions)
            .clock(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC))
            .handler(HandlerBinding.ofJson("profile.updated", handler))
            .handler(HandlerBinding.ofJson("job.updated", handler))
            .build();

    List<ProcessingResult> results = new ArrayList<>();
    List<InboundMessage> messages = stream.stream().map(d -> InboundMessage.of(d.bytes())).toList();
    if (batched) {
      for (int from = 0; from < messages.size(); from += batchSize) {
        List<InboundMessage> chunk =
            messages.subList(from, Math.min(messages.size(), from + batchSize));
        List<ProcessingResult> out = pipeline.processBatch(chunk);
        assertThat(out).hasSameSizeAs(chunk);
        results.addAll(out);
      }
    } else {
      messages.forEach(m -> results.add(pipeline.process(m)));
    }

    Expected expected = Expected.of(stream);
    Statistics.label("deliveries").collect(stream.size() / 10 * 10);
    Statistics.label("has stale deliveries").collect(expected.outcomes().contains(Outcome.STALE));
    // the handlers saw exactly the expected events, in order
    assertThat(handled).containsExactlyElementsOf(expected.handled());
    // no event twice
    assertThat(new HashSet<>(handled)).hasSameSizeAs(handled);
    // never an event after a newer one of its entity
    Map<String, Integer> last = new HashMap<>();
    for (String h : handled) {
      String entity = h.substring(0, h.lastIndexOf(':'));
      int version = Integer.parseInt(h.substring(h.lastIndexOf(':') + 1));
      assertThat(version).as(h).isGreaterThan(last.getOrDefault(entity, 0));
      last.put(entity, version);
    }
    // every entity ends at its highest delivered valid version
    for (String kind : KINDS) {
      for (String entity : ENTITIES) {
        Integer max = expected.finalVersions().get(kind + "/" + entity);
        OptionalLong stored =
            versions.current(
                "-/"
                    + kind.length()
                    + ":"
                    + kind
                    + "/"
                    + (kind.equals("profile.updated") ? "cand_" : "job_")
                    + entity);
        assertThat(stored).isEqualTo(max == null ? OptionalLong.empty() : OptionalLong.of(max));
      }
    }
    // one outcome per delivery, all final
    assertThat(results)
        .hasSameSizeAs(stream)
        .allSatisfy(r -> assertThat(r.acknowledged()).isTrue());
    for (int i = 0; i < stream.size(); i++) {
      Outcome want = expected.outcomes().get(i);
      if (want == null) {
        assertThat(results.get(i).outcome()).isIn(Outcome.INVALID, Outcome.MALFORMED);
      } else {
        assertThat(results.get(i).outcome()).as("delivery %d", i).isEqualTo(want);
      }
    }
    // every invalid delivery, and nothing else, was dead-lettered
    assertThat(sink.deadLetters())
        .extracting(DeadLetter::value)
        .extracting(b -> new String(b, StandardCharsets.UTF_8))
        .containsExactlyElementsOf(expected.deadLetters());
  }
}
