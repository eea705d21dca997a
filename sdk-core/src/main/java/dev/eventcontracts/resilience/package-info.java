/**
 * Store resilience: circuit breakers (Resilience4j) around the dedup, ordering and transactional
 * stores and the dead-letter sink, with exponential back-off while a store is down, one log line
 * per breaker state change and breaker metrics.
 */
@NullMarked
package dev.eventcontracts.resilience;

import org.jspecify.annotations.NullMarked;
