package dev.eventcontracts.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class KeyTableTest {
  private static final ToLongFunction<String> HASH = KeyTable.seededHash();

  /** Inserts the key when absent; returns its entry. */
  private static int put(KeyTable t, ToLongFunction<String> hash, String key, long value) {
    long h = hash.applyAsLong(key);
    int e = t.find(key, h);
    if (e >= 0) {
      t.setValue(e, value);
      return e;
    }
    return t.insert(key, h, value, (int) value);
  }

  private static long get(KeyTable t, ToLongFunction<String> hash, String key) {
    int e = t.find(key, hash.applyAsLong(key));
    assertThat(e).as("entry of %s", key).isNotNegative();
    assertThat(t.key(e)).isEqualTo(key);
    return t.value(e);
  }

  private static boolean holds(KeyTable t, ToLongFunction<String> hash, String key) {
    return t.find(key, hash.applyAsLong(key)) >= 0;
  }

  @Test
  void anEmptyTableHoldsNothingAndAllocatesLittle() {
    KeyTable t = new KeyTable(1_000_000);

    assertThat(t.size()).isZero();
    assertThat(holds(t, HASH, "a")).isFalse();
    assertThat(holds(t, HASH, "")).isFalse();
    assertThat(t.allocatedBytes()).isLessThan(2_000);
  }

  @Test
  void insertedKeysAreFoundWithTheirValueAndAux() {
    KeyTable t = new KeyTable(100);
    int a = t.insert("a", HASH.applyAsLong("a"), 10, 1);
    int b = t.insert("b", HASH.applyAsLong("b"), -20, 2);

    assertThat(t.find("a", HASH.applyAsLong("a"))).isEqualTo(a);
    assertThat(t.find("b", HASH.applyAsLong("b"))).isEqualTo(b);
    assertThat(t.value(b)).isEqualTo(-20);
    assertThat(t.aux(b)).isEqualTo(2);
    t.set(a, Long.MAX_VALUE, 7);
    assertThat(t.value(a)).isEqualTo(Long.MAX_VALUE);
    assertThat(t.aux(a)).isEqualTo(7);
    assertThat(holds(t, HASH, "c")).isFalse();
  }

  @Test
  void growsAcrossManyResizesAndKeepsEveryKey() {
    KeyTable t = new KeyTable(Integer.MAX_VALUE);
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      put(t, HASH, "order-" + i, i * 3L);
    }

    assertThat(t.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(t.value(t.find("order-" + i, HASH.applyAsLong("order-" + i)))).isEqualTo(i * 3L);
    }
    for (int i = n; i < n + 10_000; i++) {
      assertThat(holds(t, HASH, "order-" + i)).isFalse();
    }
    // entry arrays, slots and key bytes, with the slack of the last doublings
    assertThat(t.allocatedBytes()).isLessThan(n * 100L);
  }

  @Test
  void entryArraysStopGrowingAtTheExpectedMaximum() {
    KeyTable t = new KeyTable(1_000);
    for (int i = 0; i < 1_000; i++) {
      put(t, HASH, "k" + i, i);
    }
    long full = t.allocatedBytes();
    // 16 bytes of entries a key, 2,046 slots of 8 bytes, at most 2x the 4 bytes a key in the arena
    assertThat(full).isLessThanOrEqualTo(16 * 1_001 + 8 * 2_048 + 2 * 4 * 1_000);

    // more than expected still works
    for (int i = 1_000; i < 1_100; i++) {
      put(t, HASH, "k" + i, i);
    }
    assertThat(get(t, HASH, "k1099")).isEqualTo(1_099);
    assertThat(get(t, HASH, "k0")).isZero();
  }

  @Test
  void keysWithEqualHashesAreKeptApart() {
    ToLongFunction<String> same = k -> 0x1234_5678_9ABC_DEF0L;
    KeyTable t = new KeyTable(16);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      keys.add("collide-" + i);
    }
    // same length, same hash, one char apart
    keys.add("abc");
    keys.add("abd");
    keys.add("");
    for (int i = 0; i < keys.size(); i++) {
      put(t, same, keys.get(i), i);
    }

    assertThat(t.size()).isEqualTo(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      assertThat(get(t, same, keys.get(i))).isEqualTo(i);
    }
    assertThat(holds(t, same, "abe")).isFalse();
    assertThat(holds(t, same, "collide-2000")).isFalse();
  }

  @Test
  void hashesThatAgreeOnlyInTheirUpperHalfOrOnlyInTheirSlotAreKeptApart() {
    // the slot tag is the upper 32 bits, the index the top bits: make both collide in parts
    ToLongFunction<String> partial = k -> (long) (k.length() % 3) << 60 | (k.hashCode() & 0xF);
    KeyTable t = new KeyTable(16);
    for (int i = 0; i < 5_000; i++) {
      put(t, partial, "p" + i, i);
    }
    for (int i = 0; i < 5_000; i++) {
      assertThat(get(t, partial, "p" + i)).isEqualTo(i);
    }
    assertThat(holds(t, partial, "p5000")).isFalse();
  }

  @Test
  void emptyAndNonAsciiKeysAreStoredExactly() {
    List<String> keys =
        List.of(
            "",
            "\u0000",
            "\u007f",
            "\u0080",
            "\u00e9",
            "e\u0301",
            "\u07ff",
            "\u0800",
            "\uffff",
            "\u20ac",
            "\u6ce8\u6587",
            "\ud83c\udf89",
            // unpaired surrogates: UTF-8 encoders turn both into '?', the table must not
            "\ud800",
            "\udc00",
            "?",
            "\udc00\ud800",
            // byte-length traps: same bytes count as another key, or chars equal to UTF-8 bytes
            "\u00c3\u00a9",
            "ab",
            "abc",
            "a\u00e9",
            "\u00e9a",
            "\u0101",
            "\u0100");
    KeyTable t = new KeyTable(16);
    for (int i = 0; i < keys.size(); i++) {
      long h = HASH.applyAsLong(keys.get(i));
      assertThat(t.find(keys.get(i), h)).as("before insert: %s", keys.get(i)).isNegative();
      t.insert(keys.get(i), h, i, 0);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(get(t, HASH, keys.get(i))).as(keys.get(i)).isEqualTo(i);
    }
    // the same keys found through a hash that sends all of them to one slot
    ToLongFunction<String> same = k -> 42L;
    KeyTable collided = new KeyTable(16);
    for (int i = 0; i < keys.size(); i++) {
      collided.insert(keys.get(i), 42L, i, 0);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(get(collided, same, keys.get(i))).as(keys.get(i)).isEqualTo(i);
    }
    for (String absent : List.of("\ud801", "\u00e8", "a\u00e8", "\u0102", "\ud83c\udf8a")) {
      assertThat(holds(collided, same, absent)).as(absent).isFalse();
    }
  }

  @Test
  void veryLongKeysAreStoredExactly() {
    String base = "x".repeat(9_999);
    String longest = base + "a";
    String sibling = base + "b";
    String unicode = "\u20ac".repeat(10_000);
    String unicodeSibling = "\u20ac".repeat(9_999) + "\u20ad";
    ToLongFunction<String> same = k -> 7L;
    KeyTable t = new KeyTable(4);

    t.insert(longest, 7L, 1, 0);
    t.insert(unicode, 7L, 2, 0);

    assertThat(get(t, same, longest)).isEqualTo(1);
    assertThat(get(t, same, unicode)).isEqualTo(2);
    assertThat(holds(t, same, sibling)).isFalse();
    assertThat(holds(t, same, unicodeSibling)).isFalse();
    assertThat(holds(t, same, base)).isFalse();
    assertThat(holds(t, same, longest + "a")).isFalse();
  }

  @Test
  void clearDropsEveryEntryAndKeepsTheArrays() {
    KeyTable t = new KeyTable(500);
    for (int i = 0; i < 500; i++) {
      put(t, HASH, "gen-1-" + i, i);
    }
    long allocated = t.allocatedBytes();

    t.clear();

    assertThat(t.size()).isZero();
    assertThat(holds(t, HASH, "gen-1-0")).isFalse();
    for (int i = 0; i < 500; i++) {
      put(t, HASH, "gen-2-" + i, -i);
    }
    assertThat(get(t, HASH, "gen-2-499")).isEqualTo(-499);
    assertThat(holds(t, HASH, "gen-1-499")).isFalse();
    assertThat(t.allocatedBytes()).isEqualTo(allocated);
  }

  @Test
  void behavesLikeAHashMapOnRandomKeys() {
    Random random = new Random(20_261_122);
    // a poor hash too: only the length and the first char count
    List<ToLongFunction<String>> hashes =
        List.of(HASH, k -> k.isEmpty() ? 0 : (long) k.length() << 40 | k.charAt(0));
    for (ToLongFunction<String> hash : hashes) {
      KeyTable t = new KeyTable(64);
      Map<String, Long> model = new HashMap<>();
      for (int op = 0; op < 20_000; op++) {
        String key = randomKey(random);
        long h = hash.applyAsLong(key);
        int e = t.find(key, h);
        assertThat(e >= 0).as("holds %s", key).isEqualTo(model.containsKey(key));
        if (e >= 0) {
          assertThat(t.value(e)).isEqualTo(model.get(key));
        }
        if (random.nextInt(3) > 0) {
          long value = random.nextLong();
          if (e >= 0) {
            t.setValue(e, value);
          } else {
            t.insert(key, h, value, 0);
          }
          model.put(key, value);
        }
      }
      assertThat(t.size()).isEqualTo(model.size());
      model.forEach((k, v) -> assertThat(get(t, hash, k)).isEqualTo(v));
    }
  }

  /** Short keys over a small alphabet of ASCII, Latin-1, BMP and surrogate chars. */
  static String randomKey(Random random) {
    String alphabet = "ab\u00e9\u00c3\u20ac\ud800\udc00";
    int length = random.nextInt(5);
    StringBuilder key = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      key.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return key.toString();
  }

  @Test
  void theHashDependsOnTheSeedAndSpreadsSequentialKeys() {
    assertThat(KeyTable.hash(1, "order-1")).isEqualTo(KeyTable.hash(1, "order-1"));
    assertThat(KeyTable.hash(1, "order-1")).isNotEqualTo(KeyTable.hash(2, "order-1"));
    assertThat(KeyTable.hash(1, "")).isNotEqualTo(KeyTable.hash(1, "\u0000"));
    assertThat(KeyTable.hash(1, "ab")).isNotEqualTo(KeyTable.hash(1, "ab\u0000"));

    Set<Long> hashes = new HashSet<>();
    int[] lowBits = new int[64];
    int n = 64_000;
    for (int i = 0; i < n; i++) {
      long h = KeyTable.hash(99, "order-" + i);
      hashes.add(h);
      lowBits[(int) h & 63]++;
    }
    assertThat(hashes).hasSize(n);
    // each of 64 segments gets about 1,000 keys
    for (int count : lowBits) {
      assertThat(count).isBetween(800, 1_200);
    }
  }
}
