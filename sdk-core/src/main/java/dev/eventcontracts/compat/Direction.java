package dev.eventcontracts.compat;

/** Which readers a change breaks. */
public enum Direction {
  /**
   * Consumers on the new registry cannot read some events written under the old one (replays,
   * retained dead letters, events in flight).
   */
  BACKWARD,
  /** Consumers still on the old registry cannot read some events written under the new one. */
  FORWARD,
  /** Both. */
  BOTH,
  /** No reader breaks: a policy finding. */
  NONE;

  /** The lower-case name used in reports: {@code backward}, {@code forward}, ... */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** What breaks, in words, for human-readable reports. */
  String explanation() {
    return switch (this) {
      case BACKWARD -> "consumers on the new registry cannot read events written under the old one";
      case FORWARD -> "consumers on the old registry cannot read events written under the new one";
      case BOTH -> "consumers on either registry misread events written under the other";
      case NONE -> "no reader breaks";
    };
  }
}
