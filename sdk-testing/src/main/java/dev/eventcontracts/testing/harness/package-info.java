/**
 * The handler harness: runs a consumer team's real handler bindings through the real {@code
 * EventPipeline} on every generated sample of every contract they claim, and checks, one call each,
 * what can go wrong in the team's own code and wiring (binding, version coverage, idempotence under
 * redelivery and replay, state kept outside the transaction).
 */
@NullMarked
package dev.eventcontracts.testing.harness;

import org.jspecify.annotations.NullMarked;
