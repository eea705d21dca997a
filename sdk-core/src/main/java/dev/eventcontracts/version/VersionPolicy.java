package dev.eventcontracts.version;

/** How a consumer treats an event version it has no exact contract for. */
public enum VersionPolicy {
  /**
   * Only versions with a contract of their own are accepted (seed 000: reject unknown versions).
   */
  STRICT,
  /**
   * Any minor of a known major is accepted and validated against the nearest known minor of that
   * major (seed 004: minor versions are backward compatible, majors break).
   */
  COMPATIBLE
}
