/**
 * Hostile input for fuzzing a consumer: garbage bytes, truncated and mutated events, wrong types,
 * extreme numbers, invalid UTF-8, duplicate names, huge and deeply nested values, hostile tenants
 * and keys, each labelled with its class so a test can say which outcomes it allows.
 */
@NullMarked
package dev.eventcontracts.testing.fuzz;

import org.jspecify.annotations.NullMarked;
