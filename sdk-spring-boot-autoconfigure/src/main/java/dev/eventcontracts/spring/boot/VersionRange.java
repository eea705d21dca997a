package dev.eventcontracts.spring.boot;

import dev.eventcontracts.pipeline.HandlerBinding;
import dev.eventcontracts.version.EventVersion;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The version range a {@link HandlerBinding} accepts, read back through {@link
 * HandlerBinding#accepts} (the binding has no getter for it): the accepted versions form one
 * interval of the (major, minor) order, whose ends a binary search finds.
 */
record VersionRange(String min, String max) {

  private static final long LIMIT = 1_000_000_000L; // major and minor have at most 9 digits
  private static final long LAST = LIMIT * LIMIT - 1;

  /**
   * The range, or empty when the binding accepts every version.
   *
   * @param accepted a version the binding accepts (a registry version it handles)
   */
  static Optional<VersionRange> of(HandlerBinding<?> binding, EventVersion accepted) {
    LongPredicate accepts = index -> binding.accepts(version(index));
    long inside = accepted.major() * LIMIT + accepted.minor();
    if (!accepts.test(inside)) {
      throw new IllegalArgumentException("the binding does not accept " + accepted);
    }
    boolean first = accepts.test(0);
    boolean last = accepts.test(LAST);
    if (first && last) {
      return Optional.empty();
    }
    long low = first ? 0 : boundary(accepts, 0, inside, true);
    long high = last ? LAST : boundary(accepts, inside, LAST, false);
    return Optional.of(new VersionRange(version(low).toString(), version(high).toString()));
  }

  /**
   * The first accepted index in (rejected from, accepted to] when {@code lower}, else the last
   * accepted in [accepted from, rejected to).
   */
  private static long boundary(LongPredicate accepts, long from, long to, boolean lower) {
    if (lower && accepts.test(from)) {
      return from;
    }
    if (!lower && accepts.test(to)) {
      return to;
    }
    long lo = from;
    long hi = to;
    if (lower) {
      while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (accepts.test(mid)) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      return hi;
    }
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (accepts.test(mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static EventVersion version(long index) {
    return new EventVersion((int) (index / LIMIT), (int) (index % LIMIT));
  }
}
