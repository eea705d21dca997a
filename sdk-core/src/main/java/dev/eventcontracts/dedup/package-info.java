/**
 * Idempotency: the {@link dev.eventcontracts.dedup.DedupStore} extension point with its claim,
 * in-progress, completed and released states, and the in-memory store.
 */
package dev.eventcontracts.dedup;
