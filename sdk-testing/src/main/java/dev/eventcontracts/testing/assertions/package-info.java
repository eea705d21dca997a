/**
 * AssertJ assertions for events: {@code assertThatEvent(json).isValidAgainst(registry)} for
 * producer-side tests, and {@code isRejectedBy(registry).withViolation(code, path)} for the events
 * a consumer must refuse. Failure messages list every violation with its path and code.
 */
@NullMarked
package dev.eventcontracts.testing.assertions;

import org.jspecify.annotations.NullMarked;
