package dev.eventcontracts.memory;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * An open-addressing hash table from string keys to one {@code long} and one {@code int} per entry,
 * built from three primitive arrays: no object per entry, so a table holding a million keys is a
 * few flat arrays that the garbage collector neither traces nor copies key by key.
 *
 * <p>Keys are stored exactly: their text is kept in one {@code byte[]} arena and every lookup
 * compares it with the query char by char, so the hash only chooses where to look, and two
 * different keys are never confused, whatever their hashes (equal hashes only cost probes). Each
 * char is encoded on its own in one to three bytes (UTF-8's layout for one UTF-16 unit, so ASCII
 * keys take one byte a char and unpaired surrogates are kept as they are); comparing a stored key
 * with a string allocates nothing.
 *
 * <p>Layout: {@code slots} (linear probing, at most three quarters full) holds per used slot the
 * upper 32 bits of the key's hash and the entry's index plus one, so probing reads only the slot
 * array until a hash matches; the home slot is computed from those same 32 bits, so growing
 * rebuilds the slots from the slots alone. {@code entries} holds two longs per entry, in insertion
 * order: the value, then the aux and the offset of the key in the arena, side by side for one cache
 * line per hit. Entries are never removed one by one (callers mark them dead in their value or aux
 * instead), only all at once by {@link #clear()}, so there are no tombstones.
 *
 * <p>Every array grows by doubling from a small start, to lengths whose size in bytes, header
 * included, is a power of two: G1 puts an array of half a region or more in whole regions of its
 * own, and a power of two of at least a region fills them exactly.
 *
 * <p>Memory per entry: 16 bytes of entries, 8 bytes per slot (10.7 to 21.3 bytes per entry at the
 * load factors it runs at), and the key's encoded length; the entries and the arena up to twice as
 * much right after a growth.
 *
 * <p>Not thread-safe: callers lock around it.
 */
final class KeyTable {
  private static final long TAG_MASK = 0xFFFF_FFFF_0000_0000L;
  private static final long OFFSET_MASK = 0xFFFF_FFFFL;
  private static final int ARRAY_HEADER = 16;
  private static final int MIN_BYTES = 512;
  private static final long MAX_BYTES = 1L << 31;
  private static final SecureRandom SEEDS = new SecureRandom();

  private final int expectedMaximum;
  // 0 = empty, else the hash's upper half << 32 | (entry + 1)
  private long[] slots;
  // per entry e: [2e] the value, [2e + 1] the aux << 32 | the key's offset in the arena
  private long[] entries;
  private byte[] arena;
  private int used;
  private int size;

  /**
   * An empty table.
   *
   * @param expectedMaximum how many entries the caller expects to hold at most: the entries grow by
   *     doubling up to it, not past it, unless more are inserted; nothing is allocated for it up
   *     front
   */
  KeyTable(int expectedMaximum) {
    if (expectedMaximum < 1) {
      throw new IllegalArgumentException("expectedMaximum must be positive: " + expectedMaximum);
    }
    this.expectedMaximum = expectedMaximum;
    slots = new long[longs(MIN_BYTES)];
    entries = new long[longs(MIN_BYTES)];
    arena = new byte[MIN_BYTES - ARRAY_HEADER];
  }

  // ---------------------------------------------------------------- hashing

  /** A hash function with a fresh random seed, for one table or one store. */
  static ToLongFunction<String> seededHash() {
    long seed = SEEDS.nextLong();
    return key -> hash(seed, key);
  }

  /**
   * A seeded 64-bit hash of the key's chars: four chars a step, each step a bijection of the state
   * for a given input, and a final avalanche. Not cryptographic; a poor spread slows a table down
   * but never changes an answer.
   */
  static long hash(long seed, String key) {
    int n = key.length();
    long h = seed ^ (n * 0x9E37_79B9_7F4A_7C15L);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      long w =
          key.charAt(i)
              | (long) key.charAt(i + 1) << 16
              | (long) key.charAt(i + 2) << 32
              | (long) key.charAt(i + 3) << 48;
      h = step(h ^ w);
    }
    if (i < n) {
      long w = 0;
      for (int bit = 0; i < n; i++, bit += 16) {
        w |= (long) key.charAt(i) << bit;
      }
      h = step(h ^ w);
    }
    // murmur3's finalizer
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    h ^= h >>> 33;
    return h;
  }

  private static long step(long x) {
    x *= 0x9E37_79B9_7F4A_7C15L;
    return x ^ (x >>> 29);
  }

  // ---------------------------------------------------------------- lookups and updates

  /** How many entries the table holds. */
  int size() {
    return size;
  }

  /**
   * The entry holding {@code key}, or -1.
   *
   * @param hash the key's hash, from the function this table is always used with
   */
  int find(String key, long hash) {
    long tag = hash & TAG_MASK;
    long[] s = slots;
    int length = s.length;
    for (int i = home(hash, length); ; ) {
      long slot = s[i];
      if (slot == 0) {
        return -1;
      }
      if ((slot & TAG_MASK) == tag) {
        int entry = (int) slot - 1;
        if (keyEquals(entry, key)) {
          return entry;
        }
      }
      if (++i == length) {
        i = 0;
      }
    }
  }

  /**
   * Adds an entry for a key the table does not hold (the caller checked with {@link #find}).
   *
   * @return the new entry
   */
  int insert(String key, long hash, long value, int aux) {
    if (2 * size + 2 > entries.length) {
      growEntries();
    }
    if ((size + 1L) * 4 > slots.length * 3L) {
      growSlots();
    }
    int entry = size;
    int start = used;
    used = encode(key, start);
    entries[2 * entry] = value;
    entries[2 * entry + 1] = (long) aux << 32 | start;
    size = entry + 1;
    place(slots, (hash & TAG_MASK) | (entry + 1L));
    return entry;
  }

  /** The entry's value. */
  long value(int entry) {
    return entries[2 * entry];
  }

  /** The entry's aux. */
  int aux(int entry) {
    return (int) (entries[2 * entry + 1] >>> 32);
  }

  /** Sets the entry's value and aux. */
  void set(int entry, long value, int aux) {
    entries[2 * entry] = value;
    entries[2 * entry + 1] = (long) aux << 32 | (entries[2 * entry + 1] & OFFSET_MASK);
  }

  /** Sets the entry's value. */
  void setValue(int entry, long value) {
    entries[2 * entry] = value;
  }

  /** The entry's key, decoded (allocates; for tests and diagnostics). */
  String key(int entry) {
    int p = start(entry);
    int end = end(entry);
    StringBuilder out = new StringBuilder(end - p);
    while (p < end) {
      int b = arena[p] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        p += 1;
      } else if (b < 0xE0) {
        out.append((char) ((b & 0x1F) << 6 | (arena[p + 1] & 0x3F)));
        p += 2;
      } else {
        out.append((char) ((b & 0x0F) << 12 | (arena[p + 1] & 0x3F) << 6 | (arena[p + 2] & 0x3F)));
        p += 3;
      }
    }
    return out.toString();
  }

  /** Drops every entry, keeping the arrays for reuse. */
  void clear() {
    Arrays.fill(slots, 0);
    size = 0;
    used = 0;
  }

  /** Bytes held by the table's arrays, headers included. */
  long allocatedBytes() {
    return 8L * slots.length + 8L * entries.length + arena.length + 3 * ARRAY_HEADER;
  }

  // ---------------------------------------------------------------- slots

  /** The home slot of a hash: its upper 32 bits scaled to the table's length. */
  private static int home(long hash, int length) {
    return (int) (((hash >>> 32) * length) >>> 32);
  }

  private static void place(long[] s, long slot) {
    int length = s.length;
    int i = home(slot, length);
    while (s[i] != 0) {
      if (++i == length) {
        i = 0;
      }
    }
    s[i] = slot;
  }

  // ---------------------------------------------------------------- keys

  private int start(int entry) {
    return (int) entries[2 * entry + 1];
  }

  private int end(int entry) {
    return entry + 1 < size ? (int) entries[2 * entry + 3] : used;
  }

  private boolean keyEquals(int entry, String key) {
    byte[] a = arena;
    int p = start(entry);
    int end = end(entry);
    int n = key.length();
    if (end - p == n) {
      // as many bytes as chars: equal only if all are ASCII; a byte >= 0x80 is negative in Java
      // and never equals a char
      for (int i = 0; i < n; i++) {
        if (key.charAt(i) != a[p + i]) {
          return false;
        }
      }
      return true;
    }
    if (end - p < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = key.charAt(i);
      if (c < 0x80) {
        if (p == end || a[p] != c) {
          return false;
        }
        p += 1;
      } else if (c < 0x800) {
        if (end - p < 2
            || a[p] != (byte) (0xC0 | c >>> 6)
            || a[p + 1] != (byte) (0x80 | (c & 0x3F))) {
          return false;
        }
        p += 2;
      } else {
        if (end - p < 3
            || a[p] != (byte) (0xE0 | c >>> 12)
            || a[p + 1] != (byte) (0x80 | (c >>> 6 & 0x3F))
            || a[p + 2] != (byte) (0x80 | (c & 0x3F))) {
          return false;
        }
        p += 3;
      }
    }
    return p == end;
  }

  /** Writes the key into the arena at {@code start}, growing it; returns where it ends. */
  private int encode(String key, int start) {
    int n = key.length();
    long length = n;
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        length += c < 0x800 ? 1 : 2;
      }
    }
    long end = start + length;
    if (end > arena.length) {
      long bytes = powerOfTwoAtLeast(end + ARRAY_HEADER);
      if (bytes > MAX_BYTES) {
        throw new IllegalStateException("key table full: " + start + " key bytes held");
      }
      arena = Arrays.copyOf(arena, (int) (bytes - ARRAY_HEADER));
    }
    byte[] a = arena;
    int p = start;
    if (length == n) {
      for (int i = 0; i < n; i++) {
        a[p++] = (byte) key.charAt(i);
      }
      return p;
    }
    for (int i = 0; i < n; i++) {
      int c = key.charAt(i);
      if (c < 0x80) {
        a[p++] = (byte) c;
      } else if (c < 0x800) {
        a[p++] = (byte) (0xC0 | c >>> 6);
        a[p++] = (byte) (0x80 | (c & 0x3F));
      } else {
        a[p++] = (byte) (0xE0 | c >>> 12);
        a[p++] = (byte) (0x80 | (c >>> 6 & 0x3F));
        a[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return p;
  }

  // ---------------------------------------------------------------- growth

  private void growEntries() {
    long bytes = 2L * (8L * entries.length + ARRAY_HEADER);
    if (bytes > MAX_BYTES) {
      throw new IllegalStateException("key table full: " + size + " entries");
    }
    int capacity = entries.length / 2;
    int grown = longs(bytes) / 2;
    if (expectedMaximum > capacity && grown > expectedMaximum) {
      grown = expectedMaximum;
    }
    entries = Arrays.copyOf(entries, 2 * grown);
  }

  private void growSlots() {
    long[] old = slots;
    long bytes = 2L * (8L * old.length + ARRAY_HEADER);
    if (bytes > MAX_BYTES) {
      throw new IllegalStateException("key table full: " + size + " entries");
    }
    long[] grown = new long[longs(bytes)];
    for (long slot : old) {
      if (slot != 0) {
        // the tag is the hash's upper half, and the home slot comes from it
        place(grown, slot);
      }
    }
    slots = grown;
  }

  /** The length of a {@code long[]} taking {@code bytes} bytes, header included. */
  private static int longs(long bytes) {
    return (int) ((bytes - ARRAY_HEADER) / 8);
  }

  private static long powerOfTwoAtLeast(long n) {
    return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
  }
}
