package dev.eventcontracts.testing.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.eventcontracts.dedup.UnstorableKeyException;
import dev.eventcontracts.ordering.EntityVersionStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compatibility kit for {@link EntityVersionStore}: extend it and implement {@link
 * #createStore()}, and every store passes the same tests of the compare-and-set on positions.
 *
 * <p>Each test uses entity keys with a fresh random prefix, so a store backed by a shared table or
 * server needs no cleanup between tests.
 */
public abstract class EntityVersionStoreContract {

  /** How many threads race in the concurrency test. */
  protected static final int THREADS = 8;

  /** An epoch-millisecond timestamp, the kind of position that timestamp ordering stores. */
  protected static final long EPOCH_MILLIS = 1_735_689_600_000L;

  private EntityVersionStore store;
  private String prefix;

  /** Creates the store under test; called before each test. */
  protected abstract EntityVersionStore createStore();

  /** The store under test. */
  protected final EntityVersionStore store() {
    return store;
  }

  /** An entity key unique to the running test, so tests sharing one table never collide. */
  protected final String entity(String name) {
    return prefix + name;
  }

  @BeforeEach
  final void createStoreUnderTest() {
    prefix = "kit-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    store = createStore();
  }

  @AfterEach
  final void closeStoreUnderTest() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void anUnknownEntityHasNoPosition() {
    assertThat(store.current(entity("a"))).isEmpty();
  }

  @Test
  void advanceAllMovesOnlyTheEntitiesWhosePositionIsNewerAndReportsThem() {
    store.advance(entity("older"), 5);
    store.advance(entity("equal"), 5);
    store.advance(entity("newer"), 5);
    Map<String, Long> positions = new LinkedHashMap<>();
    positions.put(entity("older"), 9L);
    positions.put(entity("equal"), 5L);
    positions.put(entity("newer"), 2L);
    positions.put(entity("new"), -EPOCH_MILLIS);

    assertThat(store.advanceAll(positions))
        .containsExactlyInAnyOrder(entity("older"), entity("new"));

    assertThat(store.current(entity("older"))).hasValue(9);
    assertThat(store.current(entity("equal"))).hasValue(5);
    assertThat(store.current(entity("newer"))).hasValue(5);
    assertThat(store.current(entity("new"))).hasValue(-EPOCH_MILLIS);
    assertThat(store.advanceAll(Map.of())).isEmpty();
  }

  @Test
  void advanceAllOfManyEntitiesMatchesAdvancingThemOneByOne() {
    Map<String, Long> positions = new HashMap<>();
    for (int i = 0; i < 2_500; i++) {
      positions.put(entity("e" + i), (long) i);
    }
    store.advanceAll(positions);
    for (int i = 0; i < 2_500; i += 2) {
      positions.put(entity("e" + i), (long) i + 1);
    }

    assertThat(store.advanceAll(positions)).hasSize(1_250);
    Map<String, OptionalLong> stored = store.currentAll(positions.keySet());
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      assertThat(stored.get(e.getKey())).hasValue(e.getValue());
    }
  }

  @Test
  void theFirstAdvanceSucceeds() {
    assertThat(store.advance(entity("a"), 1)).isTrue();

    assertThat(store.current(entity("a"))).hasValue(1);
  }

  @Test
  void anOlderOrEqualPositionIsRejectedAndChangesNothing() {
    store.advance(entity("a"), 5);

    assertThat(store.advance(entity("a"), 5)).isFalse();
    assertThat(store.advance(entity("a"), 4)).isFalse();
    assertThat(store.advance(entity("a"), Long.MIN_VALUE)).isFalse();
    assertThat(store.current(entity("a"))).hasValue(5);
  }

  @Test
  void aNewerPositionAdvances() {
    store.advance(entity("a"), 5);

    assertThat(store.advance(entity("a"), 6)).isTrue();
    assertThat(store.advance(entity("a"), 100)).isTrue();
    assertThat(store.current(entity("a"))).hasValue(100);
  }

  @Test
  void entitiesAreIndependent() {
    store.advance(entity("a"), 10);

    assertThat(store.advance(entity("b"), 3)).isTrue();
    assertThat(store.current(entity("a"))).hasValue(10);
    assertThat(store.current(entity("b"))).hasValue(3);
  }

  @Test
  void timestampPositionsWork() {
    assertThat(store.advance(entity("a"), EPOCH_MILLIS)).isTrue();
    assertThat(store.advance(entity("a"), EPOCH_MILLIS - 1)).isFalse();
    assertThat(store.advance(entity("a"), EPOCH_MILLIS + 1)).isTrue();
    assertThat(store.advance(entity("a"), Long.MAX_VALUE)).isTrue();
    assertThat(store.current(entity("a"))).hasValue(Long.MAX_VALUE);
  }

  @Test
  void zeroAndNegativePositionsWork() {
    assertThat(store.advance(entity("a"), -5)).isTrue();
    assertThat(store.current(entity("a"))).hasValue(-5);
    assertThat(store.advance(entity("a"), -6)).isFalse();
    assertThat(store.advance(entity("a"), 0)).isTrue();
    assertThat(store.current(entity("a"))).hasValue(0);
  }

  @Test
  void entityKeysAreComparedExactly() {
    List<String> entities =
        List.of(
            entity("customer-1"),
            entity("CUSTOMER-1"),
            entity("customer-1 "),
            entity("caf\u00e9"),
            entity("cafe\u0301"));
    for (int i = 0; i < entities.size(); i++) {
      assertThat(store.advance(entities.get(i), i)).as(entities.get(i)).isTrue();
    }
    for (int i = 0; i < entities.size(); i++) {
      assertThat(store.current(entities.get(i))).as(entities.get(i)).hasValue(i);
    }
  }

  @Test
  void unicodeAndLongEntityKeysWork() {
    String unicode = entity("Kunde-\u00fc-\u6ce8\u6587-\ud83c\udf89");
    String base = entity("long-");
    String longest = base + "x".repeat(512 - base.length());

    assertThat(store.advance(unicode, 7)).isTrue();
    assertThat(store.advance(longest, 8)).isTrue();
    assertThat(store.advance(longest, 8)).isFalse();
    assertThat(store.currentAll(List.of(unicode, longest)))
        .containsOnly(entry(unicode, OptionalLong.of(7)), entry(longest, OptionalLong.of(8)));
  }

  @Test
  void entitiesNoStoreCanHoldAreRefusedWithoutStoringAnything() {
    String base = entity("long-");
    String good = entity("good");
    List<String> refused =
        List.of(
            base + "x".repeat(513 - base.length()),
            entity("nul-\u0000-inside"),
            entity("lone-high-\ud83c"),
            entity("lone-low-\udf89-x"));
    for (String entity : refused) {
      assertThatThrownBy(() -> store.advance(entity, 1))
          .isInstanceOf(UnstorableKeyException.class)
          .hasMessageNotContaining(entity);
      assertThatThrownBy(() -> store.current(entity)).isInstanceOf(UnstorableKeyException.class);
      assertThatThrownBy(() -> store.currentAll(List.of(good, entity)))
          .isInstanceOf(UnstorableKeyException.class);
    }
    assertThat(store.current(good)).isEmpty();
  }

  @Test
  void entitiesThatDifferOnlyInASupplementaryCharacterStayDistinct() {
    String party = entity("emoji-\ud83c\udf89");
    String cake = entity("emoji-\ud83c\udf82");

    assertThat(store.advance(party, 5)).isTrue();
    assertThat(store.current(cake)).isEmpty();
    assertThat(store.current(entity("emoji-?"))).isEmpty();
    assertThat(store.advance(cake, 3)).isTrue();
    assertThat(store.currentAll(List.of(party, cake)))
        .containsOnly(entry(party, OptionalLong.of(5)), entry(cake, OptionalLong.of(3)));
  }

  @Test
  void currentAllReportsEveryEntityAskedFor() {
    store.advance(entity("a"), 1);
    store.advance(entity("c"), EPOCH_MILLIS);

    Map<String, OptionalLong> positions =
        store.currentAll(List.of(entity("a"), entity("b"), entity("c"), entity("a")));

    assertThat(positions)
        .containsOnly(
            entry(entity("a"), OptionalLong.of(1)),
            entry(entity("b"), OptionalLong.empty()),
            entry(entity("c"), OptionalLong.of(EPOCH_MILLIS)));
  }

  @Test
  void currentAllOfNoEntitiesIsEmpty() {
    assertThat(store.currentAll(List.of())).isEmpty();
  }

  @Test
  void currentAllHandlesALargeBatch() {
    List<String> entities =
        IntStream.range(0, 2_345).mapToObj(i -> entity("e-" + i)).collect(Collectors.toList());
    for (int i = 0; i < entities.size(); i += 3) {
      store.advance(entities.get(i), i);
    }

    Map<String, OptionalLong> positions = store.currentAll(entities);

    assertThat(positions).hasSize(entities.size());
    for (int i = 0; i < entities.size(); i++) {
      OptionalLong expected = i % 3 == 0 ? OptionalLong.of(i) : OptionalLong.empty();
      assertThat(positions.get(entities.get(i))).as(entities.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void racingAdvancesEndAtTheMaximumAndAcceptEachPositionAtMostOnce() throws Exception {
    List<String> entities =
        IntStream.range(0, 10).mapToObj(i -> entity("race-" + i)).collect(Collectors.toList());
    Map<String, ConcurrentLinkedQueue<Long>> accepted = new ConcurrentHashMap<>();
    Map<String, ConcurrentLinkedQueue<Long>> attempted = new ConcurrentHashMap<>();
    for (String entity : entities) {
      accepted.put(entity, new ConcurrentLinkedQueue<>());
      attempted.put(entity, new ConcurrentLinkedQueue<>());
    }

    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    Concurrently.race(
        THREADS,
        thread -> {
          Random random = new Random(thread);
          // after this thread offered p, the stored position is at least p, accepted or not
          Map<String, Long> floor = new HashMap<>();
          for (int i = 0; i < 60; i++) {
            String entity = entities.get(random.nextInt(entities.size()));
            // a small range, so that threads often offer the same position at once
            long position = random.nextInt(200);
            attempted.get(entity).add(position);
            boolean advanced = store.advance(entity, position);
            if (advanced) {
              accepted.get(entity).add(position);
              Long seen = floor.get(entity);
              if (seen != null && position <= seen) {
                violations.add(entity + " accepted " + position + " after " + seen);
              }
            }
            floor.merge(entity, position, Math::max);
          }
          return null;
        });

    assertThat(violations).as("advances accepted at or below a stored position").isEmpty();

    Map<String, OptionalLong> finals = store.currentAll(entities);
    for (String entity : entities) {
      List<Long> tried = new ArrayList<>(attempted.get(entity));
      List<Long> won = new ArrayList<>(accepted.get(entity));
      if (tried.isEmpty()) {
        assertThat(finals.get(entity)).as(entity).isEmpty();
        continue;
      }
      long max = tried.stream().mapToLong(Long::longValue).max().orElseThrow();
      assertThat(finals.get(entity)).as("final position of %s", entity).hasValue(max);
      // stored positions only grow, so no position can be accepted twice
      assertThat(won).as("positions accepted for %s", entity).doesNotHaveDuplicates().contains(max);
    }
  }
}
