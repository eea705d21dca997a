package dev.eventcontracts.testing.stores;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that stands still until a test moves it, so lease and retention expiry can be
 * tested without waiting; safe to read and move from many threads.
 *
 * <p>It has millisecond resolution, the resolution stores keep expiry times in.
 */
public final class MutableClock extends Clock {

  /** Where {@link #create()} starts: a fixed instant, so runs are repeatable. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  // shared between a clock and its withZone views, so moving one moves them all
  private final AtomicLong millis;
  private final ZoneId zone;

  private MutableClock(AtomicLong millis, ZoneId zone) {
    this.millis = millis;
    this.zone = zone;
  }

  /** A clock in UTC standing at {@link #DEFAULT_START}. */
  public static MutableClock create() {
    return startingAt(DEFAULT_START);
  }

  /** A clock in UTC standing at {@code start}, truncated to milliseconds. */
  public static MutableClock startingAt(Instant start) {
    return new MutableClock(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
  }

  /** Moves the clock forward (or back, for a negative amount) by {@code amount}. */
  public void advance(Duration amount) {
    millis.addAndGet(amount.toMillis());
  }

  /** Sets the clock to {@code instant}, truncated to milliseconds. */
  public void set(Instant instant) {
    millis.set(instant.toEpochMilli());
  }

  /** The current time in epoch milliseconds. */
  @Override
  public long millis() {
    return millis.get();
  }

  /** The current instant. */
  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  /** The zone this view reports; it does not change the instant. */
  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that moves together with this clock. */
  @Override
  public MutableClock withZone(ZoneId zone) {
    return new MutableClock(millis, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + "," + zone + "]";
  }
}
